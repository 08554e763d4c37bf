import type { RepositoryRef } from '@khitomer/contracts';

/** Repository facts from `GET /repos/{owner}/{repo}`. */
export interface RepositoryInfo {
  fullName: string;
  cloneUrl: string;
  defaultBranch: string;
  htmlUrl: string;
  archived: boolean;
}

/** A pull request. */
export interface PullRequestInfo {
  number: number;
  url: string;
  draft: boolean;
  state: 'open' | 'closed';
  head: string;
  base: string;
  title: string;
}

/** Fields of a new pull request. */
export interface NewPullRequest {
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
}

/**
 * The code host (GitHub REST, also Enterprise or a test server). Every method throws
 * `IntegrationError`; 429/5xx are retried inside the adapter first (octokit plugins) and then
 * surface as retryable codes.
 */
export interface CodeHost {
  /** Repository facts; `not_found` when it does not exist or the token cannot see it. */
  getRepository(repo: RepositoryRef): Promise<RepositoryInfo>;
  /** True when the branch exists on the remote. */
  branchExists(repo: RepositoryRef, branch: string): Promise<boolean>;
  /** The open PR whose head is `owner:branch`, or null. */
  findOpenPullRequest(repo: RepositoryRef, branch: string): Promise<PullRequestInfo | null>;
  /** Creates a PR; `conflict` when one already exists for the head. */
  createPullRequest(repo: RepositoryRef, pr: NewPullRequest): Promise<PullRequestInfo>;
  /** Updates title/body of a PR, or closes (`state: 'closed'`) or reopens it. */
  updatePullRequest(
    repo: RepositoryRef,
    number: number,
    patch: { title?: string; body?: string; state?: 'open' | 'closed' },
  ): Promise<PullRequestInfo>;
}
