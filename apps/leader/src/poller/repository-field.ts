/**
 * Which Jira field holds the repository (JIRA_CUSTOM_FIELD): a literal `customfield_NNNNN` id, or
 * a field name resolved to its id once through `/rest/api/3/field`.
 */
import type { IssueTracker } from '@khitomer/integrations';

/** The repository field: its id (for search/getIssue) and the name shown in comments. */
export interface RepositoryField {
  id: string;
  name: string;
}

/** JIRA_CUSTOM_FIELD names no field of the Jira instance. Not retryable until Jira or the setting changes. */
export class RepositoryFieldNotFoundError extends Error {
  readonly setting: string;
  constructor(setting: string) {
    super(
      `Jira has no field named "${setting}" (JIRA_CUSTOM_FIELD); set it to the field's name or its customfield_NNNNN id`,
    );
    this.name = 'RepositoryFieldNotFoundError';
    this.setting = setting;
  }
}

/** Resolves the repository field, caching the first success. */
export interface RepositoryFieldResolver {
  /**
   * The field. A literal id needs no I/O; a name is looked up once (custom fields first, then
   * any field, case-insensitive) and cached; failures are not cached, so the next call retries.
   * @throws {RepositoryFieldNotFoundError} when no field has that name.
   * @throws {IntegrationError} from the field listing (retryable codes: try again later).
   */
  resolve(): Promise<RepositoryField>;
}

const FIELD_ID = /^customfield_\d+$/;

/** Creates the resolver for the JIRA_CUSTOM_FIELD `setting`. No I/O until `resolve`. */
export function createRepositoryFieldResolver(issueTracker: IssueTracker, setting: string): RepositoryFieldResolver {
  let cached: RepositoryField | undefined;
  let pending: Promise<RepositoryField> | undefined;

  async function lookUp(): Promise<RepositoryField> {
    const wanted = setting.trim().toLowerCase();
    const fields = await issueTracker.listFields();
    const matches = fields.filter((f) => f.name.trim().toLowerCase() === wanted);
    const match = matches.find((f) => f.custom) ?? matches[0];
    if (!match) throw new RepositoryFieldNotFoundError(setting);
    return { id: match.id, name: match.name };
  }

  return {
    async resolve() {
      if (cached) return cached;
      if (FIELD_ID.test(setting.trim())) {
        cached = { id: setting.trim(), name: setting.trim() };
        return cached;
      }
      pending ??= lookUp().finally(() => {
        pending = undefined;
      });
      cached = await pending;
      return cached;
    },
  };
}
