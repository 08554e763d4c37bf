import { describe, expect, it } from 'vitest';
import { buildCatalog } from './catalog.js';
import { EmulatorControl } from './control.js';
import { compileJql, parseJqlDate } from './jql-evaluator.js';
import { JqlError } from './jql-lexer.js';
import { parseJql } from './jql-parser.js';
import { JiraStore } from './store.js';

function fixture() {
  const catalog = buildCatalog({
    projects: [
      { key: 'KHI', name: 'Khitomer' },
      { key: 'OPS', name: 'Operations' },
    ],
  });
  let t = Date.UTC(2024, 0, 1);
  const store = new JiraStore(catalog, () => {
    t += 60_000;
    return t;
  });
  const control = new EmulatorControl(store);
  control.seedIssue({
    summary: 'Login page broken',
    status: 'Ready for Development',
    repository: 'acme/web',
    labels: ['ui'],
  });
  control.seedIssue({
    summary: 'Add metrics',
    status: 'In Progress',
    labels: ['ops', 'ui'],
    assigneeAccountId: catalog.bot.accountId,
  });
  control.seedIssue({ summary: 'Rotate keys', projectKey: 'OPS', status: 'Done' });
  control.seedIssue({ summary: 'Sub work', issueType: 'Sub-task', parentKey: 'KHI-1' });
  const run = (jql: string) => {
    const compiled = compileJql(parseJql(jql), {
      catalog,
      currentUser: catalog.bot,
      findIssue: (k) => store.findIssue(k),
      now: () => t,
    });
    return store
      .all()
      .filter((i) => compiled.matches(i))
      .sort(compiled.compare)
      .map((i) => i.key);
  };
  const errors = (jql: string): string[] => {
    try {
      run(jql);
    } catch (error) {
      if (error instanceof JqlError) return error.messages;
      throw error;
    }
    throw new Error(`expected ${jql} to fail`);
  };
  return { catalog, store, run, errors };
}

describe('compileJql', () => {
  it('matches project, status (by name, case-insensitively) and orders by created', () => {
    const { run } = fixture();
    expect(run('project = KHI AND status = "ready for development" ORDER BY created ASC')).toEqual(['KHI-1']);
    expect(run('project = KHI ORDER BY created ASC')).toEqual(['KHI-1', 'KHI-2', 'KHI-3']);
    expect(run('project in (KHI, OPS) ORDER BY created DESC')).toEqual(['KHI-3', 'OPS-1', 'KHI-2', 'KHI-1']);
  });

  it('sorts by key numerically per project and defaults to newest first without ORDER BY', () => {
    const { run } = fixture();
    expect(run('project in (OPS, KHI) ORDER BY key ASC')).toEqual(['KHI-1', 'KHI-2', 'KHI-3', 'OPS-1']);
    expect(run('project in (OPS, KHI)')).toEqual(['KHI-3', 'OPS-1', 'KHI-2', 'KHI-1']);
  });

  it('never matches empty values with != / NOT IN / NOT =, like Jira', () => {
    const { run } = fixture();
    expect(run('project = KHI AND assignee != currentUser()')).toEqual([]);
    expect(run('project = KHI AND NOT assignee = currentUser()')).toEqual([]);
    expect(run('project = KHI AND (assignee != currentUser() OR assignee is EMPTY) ORDER BY key')).toEqual([
      'KHI-1',
      'KHI-3',
    ]);
    expect(run('labels not in (ops) ORDER BY key')).toEqual(['KHI-1']);
  });

  it('pushes NOT through AND/OR (De Morgan), so the negated clauses still skip empty fields', () => {
    const { run } = fixture();
    // = status != Done AND labels != ops: KHI-3 has no labels, so it does not match.
    expect(run('project = KHI AND NOT (status = Done OR labels = ops) ORDER BY key')).toEqual(['KHI-1']);
    expect(run('project = KHI AND NOT (status = "In Progress" AND labels = ops) ORDER BY key')).toEqual([
      'KHI-1',
      'KHI-3',
    ]);
  });

  it('handles labels, parent, issuetype, key and EMPTY checks', () => {
    const { run } = fixture();
    expect(run('labels = ui ORDER BY key')).toEqual(['KHI-1', 'KHI-2']);
    expect(run('parent = KHI-1')).toEqual(['KHI-3']);
    expect(run('issuetype = Sub-task')).toEqual(['KHI-3']);
    expect(run('key in (khi-2, OPS-1) ORDER BY key')).toEqual(['KHI-2', 'OPS-1']);
    expect(run('project = KHI AND labels is EMPTY')).toEqual(['KHI-3']);
    expect(run('statusCategory = Done')).toEqual(['OPS-1']);
  });

  it('searches the text custom field by name or cf[id] with ~ and emptiness', () => {
    const { run } = fixture();
    expect(run('Repository ~ "acme/web"')).toEqual(['KHI-1']);
    expect(run('cf[10050] ~ acme')).toEqual(['KHI-1']);
    expect(run('project = KHI AND "repository" is not EMPTY')).toEqual(['KHI-1']);
    expect(run('project = KHI AND cf[10050] is EMPTY ORDER BY key')).toEqual(['KHI-2', 'KHI-3']);
    expect(run('summary ~ "login"')).toEqual(['KHI-1']);
  });

  it('compares dates with absolute and relative values', () => {
    const { run } = fixture();
    // The fixture clock ticks one minute per event: KHI-1 00:01, KHI-2 00:02, OPS-1 00:03, KHI-3 00:04.
    expect(run('created >= "2024-01-01 00:03" ORDER BY key')).toEqual(['KHI-3', 'OPS-1']);
    expect(run('created < "2024/01/01 00:02"')).toEqual(['KHI-1']);
    expect(run('created < -1h ORDER BY key')).toEqual([]);
    expect(parseJqlDate('-1w 2d', 1_000_000_000)).toBe(1_000_000_000 - 9 * 86_400_000);
    expect(parseJqlDate('yesterday', 0)).toBeNull();
  });

  it('reports every validation problem in Jira’s words', () => {
    const { errors } = fixture();
    expect(errors('project = NOPE AND status = Doing AND foo = 1')).toEqual([
      "The value 'NOPE' does not exist for the field 'project'.",
      "The value 'Doing' does not exist for the field 'status'.",
      "Field 'foo' does not exist or you do not have permission to view it.",
    ]);
    expect(errors('Repository = "acme/web"')).toEqual(["The operator '=' is not supported by the 'Repository' field."]);
    expect(errors('status ~ Done')).toEqual(["The operator '~' is not supported by the 'status' field."]);
    expect(errors('key = KHI-99')).toEqual(["An issue with key 'KHI-99' does not exist for field 'key'."]);
    expect(errors('key = nonsense')).toEqual(["The issue key 'nonsense' for field 'key' is invalid."]);
    expect(errors('assignee = nobody')).toEqual(["The value 'nobody' does not exist for the field 'assignee'."]);
    expect(errors('status = foo()')).toEqual(["Unable to find JQL function 'foo()'."]);
    expect(errors('project = KHI ORDER BY labels')).toEqual(["Not able to sort using field 'labels'."]);
    expect(errors('created > "next week"')[0]).toMatch(/^Date value 'next week' for field 'created' is invalid\./);
  });

  it('reports whether the query is bounded', () => {
    const { catalog, store } = fixture();
    const env = { catalog, currentUser: catalog.bot, findIssue: (k: string) => store.findIssue(k), now: () => 0 };
    expect(compileJql(parseJql('ORDER BY created'), env).bounded).toBe(false);
    expect(compileJql(parseJql('project = KHI'), env).bounded).toBe(true);
  });
});
