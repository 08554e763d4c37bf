/**
 * Checks on the code host that a parsed repository reference can be used: the repository exists
 * and the token sees it, it is not archived, and a requested base branch exists.
 */
import { type RepositoryRef, repositoryFullName } from '@khitomer/contracts';
import { type CodeHost, isIntegrationError, type RepositoryInfo } from '@khitomer/integrations';

/** Why a repository cannot be used; each is explained to the ticket's author. */
export type RepositoryProblemKind = 'invalid' | 'not_found' | 'archived' | 'branch_not_found';

/** Result of {@link checkRepository}. */
export type RepositoryCheck =
  | { ok: true; info: RepositoryInfo }
  | {
      ok: false;
      kind: Exclude<RepositoryProblemKind, 'invalid'>;
      /** A sentence for a Jira comment or an API error: what is wrong and how to fix it. */
      problem: string;
    };

/**
 * Looks the repository (and `baseBranch`, when given) up on the code host. Idempotent; reads only.
 * @throws {IntegrationError} for anything but "not found" (401/403, 429, 5xx, network): the
 * caller retries later (retryable codes) or reports a configuration problem; never a ticket problem.
 */
export async function checkRepository(
  codeHost: CodeHost,
  repository: RepositoryRef,
  baseBranch?: string,
): Promise<RepositoryCheck> {
  const name = repositoryFullName(repository);
  let info: RepositoryInfo;
  try {
    info = await codeHost.getRepository(repository);
  } catch (err) {
    if (isIntegrationError(err) && err.code === 'not_found') {
      return {
        ok: false,
        kind: 'not_found',
        problem:
          `The repository "${name}" does not exist on GitHub, or Khitomer's GitHub account has no access to it. ` +
          'Check the owner and repository name, or give Khitomer access to the repository.',
      };
    }
    throw err;
  }
  if (info.archived) {
    return {
      ok: false,
      kind: 'archived',
      problem: `The repository "${name}" is archived (read-only), so no branch can be pushed to it. Name an active repository.`,
    };
  }
  if (baseBranch !== undefined && !(await codeHost.branchExists(repository, baseBranch))) {
    return {
      ok: false,
      kind: 'branch_not_found',
      problem:
        `The base branch "${baseBranch}" does not exist in "${name}". Write an existing branch after "#", ` +
        `e.g. "${name}#${info.defaultBranch}", or remove "#${baseBranch}" to use the default branch.`,
    };
  }
  return { ok: true, info };
}
