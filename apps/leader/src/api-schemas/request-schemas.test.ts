import { describe, expect, it } from 'vitest';
import { isValidBranchName } from './field-schemas.js';
import { listTasksQuerySchema, rejectPlanBodySchema, startWorkflowRequestSchema } from './request-schemas.js';
import { describeIssues } from './validation-problems.js';

const valid = { jira_ticket_id: 'PROJ-123', repository_owner: 'acme', repository_name: 'widgets' };

function problems(input: unknown): string {
  const result = startWorkflowRequestSchema.safeParse(input);
  if (result.success) return 'ok';
  return describeIssues(result.error.issues, 'body').message;
}

describe('startWorkflowRequestSchema', () => {
  it('accepts the documented fields', () => {
    expect(startWorkflowRequestSchema.parse({ ...valid, base_branch: 'release/1.2', force: true })).toEqual({
      ...valid,
      base_branch: 'release/1.2',
      force: true,
    });
  });

  it.each([
    [{ ...valid, jira_ticket_id: undefined }, 'jira_ticket_id is required'],
    [{ ...valid, jira_ticket_id: '' }, 'jira_ticket_id must not be empty'],
    [{ ...valid, jira_ticket_id: 'proj-1' }, 'jira_ticket_id must be a Jira issue key such as PROJ-123'],
    [{ ...valid, jira_ticket_id: 7 }, 'jira_ticket_id must be a string'],
    [{ ...valid, repository_owner: '-acme' }, 'repository_owner must be a GitHub owner name'],
    [{ ...valid, repository_name: '..' }, 'repository_name must be a GitHub repository name, not "." or ".."'],
    [{ ...valid, repository_name: 'a/b' }, 'repository_name must be a GitHub repository name'],
    [{ ...valid, base_branch: 'a..b' }, 'base_branch must be a valid git branch name'],
    [{ ...valid, base_branch: null }, 'base_branch must be a string'],
    [{ ...valid, force: 'yes' }, 'force must be a boolean (true or false)'],
    [{ ...valid, colour: 'red' }, 'colour is not a known field'],
    [[], 'body must be a JSON object'],
    [null, 'body is required'],
    [undefined, 'body is required'],
  ])('reports %j as "%s"', (input, expected) => {
    expect(problems(input)).toContain(expected);
  });

  it('reports one problem per field, every bad field named', () => {
    const message = problems({ jira_ticket_id: '', repository_owner: 1, extra: true });
    expect(message).toBe(
      'jira_ticket_id must not be empty; repository_owner must be a string; repository_name is required; extra is not a known field',
    );
  });
});

describe('other request schemas', () => {
  it('rejects a blank rejection reason', () => {
    expect(rejectPlanBodySchema.safeParse({ reason: '   ' }).success).toBe(false);
    expect(rejectPlanBodySchema.parse({ reason: 'too risky' })).toEqual({ reason: 'too risky' });
  });

  it('coerces and bounds the tasks limit', () => {
    expect(listTasksQuerySchema.parse({ limit: '25' })).toEqual({ limit: 25 });
    for (const limit of ['0', '1001', '1.5', 'abc', '']) {
      expect(listTasksQuerySchema.safeParse({ limit }).success, limit).toBe(false);
    }
  });
});

describe('isValidBranchName', () => {
  it.each(['main', 'release/1.2', 'feature/x-y_z', 'v1.0'])('accepts %s', (name) => {
    expect(isValidBranchName(name)).toBe(true);
  });
  it.each(['-x', '/x', 'x/', 'a..b', 'a b', 'x.lock', '.hidden', 'a//b', 'a@{1}', '@', 'x.', 'a\u0000b', 'a~1', 'a:b'])(
    'refuses %j',
    (name) => {
      expect(isValidBranchName(name)).toBe(false);
    },
  );
});
