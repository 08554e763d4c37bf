/**
 * Field-level zod schemas shared by the REST and gRPC façades, so both accept exactly the same
 * values and reject the rest with the same words. Every message is a predicate that reads after
 * the field name ("jira_ticket_id must not be empty"); {@link describeIssues} puts them together.
 */
import { z } from 'zod';

/** Size limits of the API's inputs; lengths in characters. */
export const API_LIMITS = {
  jiraTicketIdChars: 64,
  repositoryOwnerChars: 100,
  repositoryNameChars: 100,
  baseBranchChars: 255,
  workflowIdChars: 1_000,
  reasonChars: 2_000,
  pageTokenChars: 4_096,
  minTasksPage: 1,
  maxTasksPage: 1_000,
  defaultTasksPage: 50,
} as const;

/**
 * Error customisation for a type: a missing value is "required", a value of the wrong type says
 * what was expected. Other issue kinds keep zod's own handling.
 */
export function typeError(expected: string): {
  error: (issue: { code?: string; input?: unknown }) => string | undefined;
} {
  return {
    error: (issue) => {
      if (issue.code !== 'invalid_type') return undefined;
      return issue.input === undefined ? 'is required' : `must be ${expected}`;
    },
  };
}

const JIRA_KEY = /^[A-Z][A-Z0-9_]*-[1-9][0-9]*$/;
const GITHUB_OWNER = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const GITHUB_REPOSITORY = /^[A-Za-z0-9_.-]+$/;
/** Unicode control characters (C0, DEL, C1). */
const CONTROL_CHARACTER = /\p{Cc}/u;

/** Whether `name` is a usable git branch name (the rules of `git check-ref-format --branch`). */
export function isValidBranchName(name: string): boolean {
  if (name === '@' || name.startsWith('-') || name.startsWith('/') || name.endsWith('/')) return false;
  if (name.endsWith('.') || name.includes('..') || name.includes('//') || name.includes('@{')) return false;
  if (CONTROL_CHARACTER.test(name) || /[\s~^:?*[\\]/.test(name)) return false;
  return name.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'));
}

/** Jira issue key, e.g. `PROJ-123` (upper case, as Jira shows it). */
export const jiraTicketIdSchema = z
  .string(typeError('a string'))
  .min(1, 'must not be empty')
  .max(API_LIMITS.jiraTicketIdChars, `must be at most ${API_LIMITS.jiraTicketIdChars} characters`)
  .regex(JIRA_KEY, 'must be a Jira issue key such as PROJ-123')
  .describe('Jira issue key, e.g. PROJ-123');

/** GitHub owner (user or organisation) login. */
export const repositoryOwnerSchema = z
  .string(typeError('a string'))
  .min(1, 'must not be empty')
  .max(API_LIMITS.repositoryOwnerChars, `must be at most ${API_LIMITS.repositoryOwnerChars} characters`)
  .regex(GITHUB_OWNER, 'must be a GitHub owner name (letters, digits, "-", "_", ".")')
  .describe('GitHub owner (user or organisation)');

/** GitHub repository name (without the owner). */
export const repositoryNameSchema = z
  .string(typeError('a string'))
  .min(1, 'must not be empty')
  .max(API_LIMITS.repositoryNameChars, `must be at most ${API_LIMITS.repositoryNameChars} characters`)
  .regex(GITHUB_REPOSITORY, 'must be a GitHub repository name (letters, digits, "-", "_", ".")')
  .refine((name) => name !== '.' && name !== '..', 'must be a GitHub repository name, not "." or ".."')
  .describe('GitHub repository name');

/** Base branch of the pull request. */
export const baseBranchSchema = z
  .string(typeError('a string'))
  .min(1, 'must not be empty')
  .max(API_LIMITS.baseBranchChars, `must be at most ${API_LIMITS.baseBranchChars} characters`)
  .refine(isValidBranchName, 'must be a valid git branch name')
  .describe("Base branch; the repository's default branch when absent");

/** `force` flag of a start. */
export const forceSchema = z
  .boolean(typeError('a boolean (true or false)'))
  .describe('Start a new run although a previous run of the ticket closed; never overrides an open run');

/** Temporal workflow id, e.g. `khitomer-PROJ-123`. */
export const workflowIdSchema = z
  .string(typeError('a string'))
  .min(1, 'must not be empty')
  .max(API_LIMITS.workflowIdChars, `must be at most ${API_LIMITS.workflowIdChars} characters`)
  .refine((id) => !CONTROL_CHARACTER.test(id), 'must not contain control characters')
  .describe('Workflow id, e.g. khitomer-PROJ-123');

/** Why a plan is rejected. */
export const rejectionReasonSchema = z
  .string(typeError('a string'))
  .max(API_LIMITS.reasonChars, `must be at most ${API_LIMITS.reasonChars} characters`)
  .refine((reason) => reason.trim().length > 0, 'must not be empty')
  .describe('Why the plan is rejected; goes into the Jira comment');

/** Page size of the processed-tasks list (query strings are coerced to numbers). */
export const tasksLimitSchema = z.coerce
  .number(typeError('a number'))
  .int('must be an integer')
  .min(API_LIMITS.minTasksPage, `must be between ${API_LIMITS.minTasksPage} and ${API_LIMITS.maxTasksPage}`)
  .max(API_LIMITS.maxTasksPage, `must be between ${API_LIMITS.minTasksPage} and ${API_LIMITS.maxTasksPage}`)
  .describe(
    `Page size, ${API_LIMITS.minTasksPage}..${API_LIMITS.maxTasksPage}; ${API_LIMITS.defaultTasksPage} when absent`,
  );

/** Continuation token of the processed-tasks list. */
export const pageTokenSchema = z
  .string(typeError('a string'))
  .min(1, 'must not be empty')
  .max(API_LIMITS.pageTokenChars, `must be at most ${API_LIMITS.pageTokenChars} characters`)
  .describe('next_page_token of the previous page; first page when absent');
