import { HttpException, Version3Client } from 'jira.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startJiraEmulator } from './emulator.js';
import type { JiraEmulator, JiraEmulatorOptions } from './types.js';

const running: JiraEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup(options?: JiraEmulatorOptions) {
  const emulator = await startJiraEmulator(options);
  running.push(emulator);
  const { username, apiToken } = emulator.credentials;
  const client = new Version3Client({ host: emulator.url, authentication: { basic: { email: username, apiToken } } });
  return { emulator, client };
}

async function failure(call: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof HttpException)) throw error;
    return { status: error.status, data: typeof error.response === 'string' ? error.response : error.response.data };
  }
  throw new Error('expected the call to fail');
}

/** The fields of the first issue of a search result (fails the test when there is none). */
function firstFields(result: { issues?: { fields: Record<string, unknown> }[] }): Record<string, unknown> {
  const fields = result.issues?.[0]?.fields;
  if (!fields) throw new Error('no issue in the result');
  return fields;
}

const POLL_JQL = 'project = "KHI" AND status = "Ready for Development" ORDER BY created ASC';

describe('enhanced search /rest/api/3/search/jql', () => {
  it('pages 120 issues with nextPageToken and isLast (GET)', async () => {
    const { client, emulator } = await setup();
    for (let i = 1; i <= 120; i++) {
      emulator.seedIssue({ summary: `Ticket ${i}`, status: i % 2 === 0 ? 'Ready for Development' : 'To Do' });
    }
    emulator.seedIssue({ summary: 'other project?', status: 'Done' });
    const keys: string[] = [];
    const pageSizes: number[] = [];
    let nextPageToken: string | undefined;
    do {
      const page = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
        jql: POLL_JQL,
        maxResults: 25,
        fields: ['summary', 'status'],
        nextPageToken,
      });
      const issues = page.issues ?? [];
      pageSizes.push(issues.length);
      keys.push(...issues.map((i) => i.key));
      const raw = page as { isLast?: boolean; nextPageToken?: string };
      expect(raw.isLast).toBe(raw.nextPageToken === undefined);
      nextPageToken = raw.nextPageToken;
    } while (nextPageToken);
    expect(pageSizes).toEqual([25, 25, 10]);
    expect(keys).toEqual(Array.from({ length: 60 }, (_, i) => `KHI-${(i + 1) * 2}`));
  });

  it('pages with the POST variant and caps pages that carry fields at 100', async () => {
    const { client, emulator } = await setup();
    for (let i = 1; i <= 120; i++) emulator.seedIssue({ summary: `Ticket ${i}` });
    const first = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
      jql: 'project = KHI ORDER BY key ASC',
      maxResults: 500,
      fields: ['summary'],
    });
    expect(first.issues).toHaveLength(100);
    expect(first.issues?.[0]?.fields.summary).toBe('Ticket 1');
    expect(first.nextPageToken).toEqual(expect.any(String));
    const second = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
      jql: 'project = KHI ORDER BY key ASC',
      maxResults: 500,
      fields: ['summary'],
      nextPageToken: first.nextPageToken,
    });
    expect(second.issues?.map((i) => i.key)).toEqual(Array.from({ length: 20 }, (_, i) => `KHI-${101 + i}`));
    expect(second).toMatchObject({ isLast: true });
    expect(second.nextPageToken).toBeUndefined();

    // Ids only: up to 5000 per page.
    const ids = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
      jql: 'project = KHI',
      maxResults: 500,
    });
    expect(ids.issues).toHaveLength(120);
  });

  it('returns only issue ids by default, as the enhanced search does', async () => {
    const { client, emulator } = await setup();
    emulator.seedIssue({ summary: 'Only id' });
    const result = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = KHI' });
    expect(result).toEqual({ issues: [{ id: '10001' }], isLast: true });
  });

  it('returns the requested fields: explicit list with a custom field, *navigable, *all and exclusions', async () => {
    const { client, emulator } = await setup();
    emulator.seedIssue({ summary: 'Pick fields', description: 'Body', repository: 'acme/api', labels: ['bot'] });
    const search = (fields: string[]) =>
      client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = KHI', fields });

    const explicit = (await search(['summary', 'customfield_10050', 'status'])).issues?.[0];
    expect(explicit).toMatchObject({ id: '10001', key: 'KHI-1', self: `${emulator.url}/rest/api/3/issue/10001` });
    expect(Object.keys(explicit?.fields ?? {}).sort()).toEqual(['customfield_10050', 'status', 'summary']);
    expect(explicit?.fields.customfield_10050).toBe('acme/api');
    expect(explicit?.fields.status).toMatchObject({
      name: 'To Do',
      id: '10000',
      statusCategory: { key: 'new', name: 'To Do' },
    });

    const navigable = firstFields(await search(['*navigable']));
    expect(Object.keys(navigable)).toEqual(
      expect.arrayContaining(['summary', 'description', 'status', 'project', 'issuetype', 'created', 'updated']),
    );
    expect(navigable).not.toHaveProperty('comment');
    expect(navigable.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

    const all = firstFields(await search(['*all', '-description']));
    expect(all).toHaveProperty('comment');
    expect(all).not.toHaveProperty('description');
    expect(all.labels).toEqual(['bot']);
    expect(all.assignee).toBeNull();

    const repeated = await fetch(
      `${emulator.url}/rest/api/3/search/jql?jql=project%3DKHI&fields=summary&fields=labels`,
      { headers: { authorization: `Basic ${Buffer.from('bot@example.com:jira-test-token').toString('base64')}` } },
    );
    const body = (await repeated.json()) as { issues: { fields: Record<string, unknown> }[] };
    expect(Object.keys(body.issues[0]?.fields ?? {}).sort()).toEqual(['labels', 'summary']);
  });

  it('expands names and changelog per issue', async () => {
    const { client, emulator } = await setup();
    const key = emulator.seedIssue({ summary: 'Expand me' });
    emulator.moveIssue(key, 'In Progress');
    const result = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
      jql: 'key = KHI-1',
      fields: ['summary'],
      expand: 'names,changelog',
    });
    expect(result.names).toEqual({ summary: 'Summary' });
    expect(result.issues?.[0]?.changelog?.histories?.[0]?.items?.[0]).toMatchObject({
      field: 'status',
      toString: 'In Progress',
    });
  });

  it.each([
    ['project = KHI AND status = "Ready for Development" ORDER BY created ASC', ['KHI-2']],
    ['project = khi and status in ("To Do", Done) order by key desc', ['KHI-3', 'KHI-1']],
    ['project = KHI AND NOT status = "To Do" ORDER BY key', ['KHI-2', 'KHI-3']],
    ['project = KHI AND (labels = urgent OR Repository ~ "acme/api") ORDER BY key', ['KHI-1', 'KHI-3']],
    ['cf[10050] is not EMPTY AND issuetype = Task ORDER BY key', ['KHI-1']],
    ['assignee = currentUser()', ['KHI-3']],
    ['project = KHI AND assignee is EMPTY ORDER BY key ASC', ['KHI-1', 'KHI-2']],
  ])('finds %s', async (jql, expected) => {
    const { client, emulator } = await setup();
    emulator.seedIssue({ summary: 'one', repository: 'acme/api' });
    emulator.seedIssue({ summary: 'two', status: 'Ready for Development' });
    emulator.seedIssue({
      summary: 'three',
      status: 'Done',
      labels: ['urgent'],
      assigneeAccountId: (await client.myself.getCurrentUser()).accountId,
    });
    const result = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql, fields: ['summary'] });
    expect(result.issues?.map((i) => i.key)).toEqual(expected);
  });

  it.each([
    ['project = NOPE', "The value 'NOPE' does not exist for the field 'project'."],
    ['project = KHI AND statuz = Done', "Field 'statuz' does not exist or you do not have permission to view it."],
    ['project = KHI AND', 'Error in the JQL Query: Expecting a field name before the end of the query.'],
    [
      'project == KHI',
      "Error in the JQL Query: Expecting either a value, list or function but got '='. (line 1, character 10)",
    ],
    ['Repository = "acme/api"', "The operator '=' is not supported by the 'Repository' field."],
    [
      'ORDER BY created DESC',
      'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
    ],
    ['', 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'],
  ])('rejects %j with 400 and Jira’s error shape', async (jql, message) => {
    const { client } = await setup();
    const error = await failure(client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql }));
    expect(error).toEqual({ status: 400, data: { errorMessages: [message], errors: {} } });
  });

  it('rejects a page token from another query or a forged one', async () => {
    const { client, emulator } = await setup();
    for (let i = 0; i < 3; i++) emulator.seedIssue({ summary: `t${i}` });
    const first = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
      jql: 'project = KHI',
      maxResults: 1,
    });
    expect(first.nextPageToken).toEqual(expect.any(String));
    const other = await failure(
      client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
        jql: 'project = KHI ORDER BY key',
        nextPageToken: first.nextPageToken,
      }),
    );
    expect(other.status).toBe(400);
    const forged = await failure(
      client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = KHI', nextPageToken: 'abc' }),
    );
    expect(forged.status).toBe(400);
  });

  it('returns requested issue properties with each issue and refuses more than 5', async () => {
    const { client, emulator } = await setup();
    const marked = emulator.seedIssue({ summary: 'marked', status: 'Ready for Development' });
    emulator.seedIssue({ summary: 'plain', status: 'Ready for Development' });
    const before = emulator.getIssue(marked).updated;
    await client.issueProperties.setIssueProperty({
      issueIdOrKey: marked,
      propertyKey: 'khitomer-leader',
      propertyValue: { planningFailure: 'm1' },
    });
    expect(emulator.getIssue(marked)).toMatchObject({
      updated: before,
      properties: { 'khitomer-leader': { planningFailure: 'm1' } },
    });

    const result = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
      jql: POLL_JQL,
      fields: ['summary'],
      properties: ['khitomer-leader', 'other'],
    });
    expect(result.issues?.map((i) => [i.key, i.properties])).toEqual([
      [marked, { 'khitomer-leader': { planningFailure: 'm1' } }],
      [expect.any(String), {}],
    ]);
    const idsOnly = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
      jql: POLL_JQL,
      properties: ['khitomer-leader'],
    });
    expect(idsOnly.issues?.[0]).toEqual({
      id: expect.any(String),
      properties: { 'khitomer-leader': { planningFailure: 'm1' } },
    });
    const withoutProperties = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
      jql: POLL_JQL,
      fields: ['summary'],
    });
    expect(withoutProperties.issues?.[0]?.properties).toBeUndefined();

    const tooMany = await failure(
      client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
        jql: POLL_JQL,
        properties: ['a', 'b', 'c', 'd', 'e', 'f'],
      }),
    );
    expect(tooMany.status).toBe(400);
  });
});

describe('issue properties /rest/api/3/issue/{key}/properties', () => {
  it('sets (201 then 200), reads, lists and deletes a property; 404 when missing', async () => {
    const { client, emulator } = await setup();
    const key = emulator.seedIssue({ summary: 'p' });
    await client.issueProperties.setIssueProperty({ issueIdOrKey: key, propertyKey: 'k', propertyValue: { a: 1 } });
    await client.issueProperties.setIssueProperty({ issueIdOrKey: key, propertyKey: 'k', propertyValue: { a: 2 } });
    expect(await client.issueProperties.getIssueProperty({ issueIdOrKey: key, propertyKey: 'k' })).toMatchObject({
      key: 'k',
      value: { a: 2 },
    });
    expect((await client.issueProperties.getIssuePropertyKeys({ issueIdOrKey: key })).keys?.map((k) => k.key)).toEqual([
      'k',
    ]);
    expect(
      (await client.issues.getIssue({ issueIdOrKey: key, fields: ['summary'], properties: ['k'] })).properties,
    ).toEqual({ k: { a: 2 } });
    await client.issueProperties.deleteIssueProperty({ issueIdOrKey: key, propertyKey: 'k' });
    const missing = await failure(client.issueProperties.getIssueProperty({ issueIdOrKey: key, propertyKey: 'k' }));
    expect(missing.status).toBe(404);
    const tooBig = await failure(
      client.issueProperties.setIssueProperty({
        issueIdOrKey: key,
        propertyKey: 'k',
        propertyValue: { text: 'x'.repeat(40_000) },
      }),
    );
    expect(tooBig.status).toBe(400);
  });
});
