/**
 * Pure naming helpers: workflow ids, branch names, search attribute names.
 * Deterministic and dependency-free so both workflow code and services can use them.
 */

/** Custom search attributes (Keyword) registered on the Temporal namespace. */
export const SEARCH_ATTRIBUTES = {
  jiraIssueKey: 'JiraIssueKey',
  repository: 'Repository',
} as const;

/** Default shared task queue (TASK_QUEUE). */
export const DEFAULT_TASK_QUEUE = 'implementation-queue';

const ISSUE_KEY = /^[A-Z][A-Z0-9_]+-[1-9][0-9]*$/;

/** True when `key` looks like a Jira issue key, e.g. `PROJ-12`. */
export function isIssueKey(key: string): boolean {
  return ISSUE_KEY.test(key);
}

/** Workflow id of a ticket's run: `khitomer-<ISSUE-KEY>` (one open run per ticket). */
export function workflowIdFor(jiraIssueKey: string): string {
  return `khitomer-${jiraIssueKey}`;
}

/** Slug of a summary: lowercase a-z0-9 and `-`, no leading/trailing/double dashes, ≤ 40 chars. */
export function slugify(summary: string, maxLength = 40): string {
  const slug = summary
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = slug.slice(0, maxLength).replace(/-+$/g, '');
  return cut;
}

/** Branch of a ticket: `khitomer/<ISSUE-KEY>-<slug>`; a pure function of the ticket (idempotent pushes). */
export function branchNameFor(jiraIssueKey: string, summary: string): string {
  const slug = slugify(summary);
  return slug ? `khitomer/${jiraIssueKey}-${slug}` : `khitomer/${jiraIssueKey}`;
}

/** `owner/name`. */
export function repositoryFullName(repo: { owner: string; name: string }): string {
  return `${repo.owner}/${repo.name}`;
}
