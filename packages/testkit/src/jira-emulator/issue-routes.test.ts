import { HttpException, Version3Client } from 'jira.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startJiraEmulator } from './emulator.js';
import type { AdfDocument, JiraEmulator } from './types.js';

const running: JiraEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup() {
  const emulator = await startJiraEmulator();
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

const adf = (text: string): AdfDocument => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});

/** Sends a raw request through jira.js' own transport (for bodies its typed methods would fix up). */
async function rawRequest(
  client: Version3Client,
  config: { url: string; method: string; data?: unknown },
): Promise<unknown> {
  let outcome: { error: unknown; data: unknown } = { error: null, data: undefined };
  await client.sendRequest<unknown>(config, (error, data) => {
    outcome = { error, data };
  });
  if (outcome.error) throw outcome.error;
  return outcome.data;
}

describe('issues', () => {
  it('returns an issue with all fields by default, in Jira’s shapes', async () => {
    const { client, emulator } = await setup();
    emulator.seedIssue({ summary: 'Fix login', description: 'Steps:\nclick', repository: 'acme/web' });
    const issue = await client.issues.getIssue({ issueIdOrKey: 'khi-1' });
    expect(issue).toMatchObject({ id: '10001', key: 'KHI-1', self: `${emulator.url}/rest/api/3/issue/10001` });
    const { fields } = issue;
    expect(fields.summary).toBe('Fix login');
    expect(fields.description).toEqual({
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Steps:' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'click' }] },
      ],
    });
    expect(fields.status).toMatchObject({ name: 'To Do', statusCategory: { key: 'new', colorName: 'blue-gray' } });
    expect(fields.project).toMatchObject({ key: 'KHI', name: 'Khitomer' });
    expect(fields.issuetype).toMatchObject({ name: 'Task', subtask: false });
    expect(fields.customfield_10050).toBe('acme/web');
    expect(fields.labels).toEqual([]);
    expect(fields.assignee).toBeNull();
    expect(fields.statuscategorychangedate).toBe(fields.created);
    expect(fields.comment).toMatchObject({ comments: [], total: 0 });
    expect(fields).not.toHaveProperty('parent');
  });

  it('answers 404 in Jira’s shape for an unknown issue', async () => {
    const { client } = await setup();
    expect(await failure(client.issues.getIssue({ issueIdOrKey: 'KHI-404' }))).toEqual({
      status: 404,
      data: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} },
    });
  });

  it('edits fields, records the changelog and rejects what cannot be set', async () => {
    const { client, emulator } = await setup();
    emulator.seedIssue({ summary: 'Old', labels: ['a'] });
    await client.issues.editIssue({
      issueIdOrKey: 'KHI-1',
      fields: { summary: 'New', description: adf('Described'), customfield_10050: 'acme/api' },
      update: { labels: [{ add: 'b' }, { remove: 'a' }] },
    });
    const issue = emulator.getIssue('KHI-1');
    expect(issue).toMatchObject({
      summary: 'New',
      descriptionText: 'Described',
      labels: ['b'],
      customFields: { customfield_10050: 'acme/api' },
    });
    expect(issue.changelog[0]?.items.map((i) => [i.field, i.fromString, i.toString])).toEqual([
      ['summary', 'Old', 'New'],
      ['description', null, 'Described'],
      ['labels', 'a', 'b'],
      ['Repository', null, 'acme/api'],
    ]);
    expect(Date.parse(issue.updated)).toBeGreaterThan(Date.parse(issue.created));

    const rejected = await failure(
      client.issues.editIssue({ issueIdOrKey: 'KHI-1', fields: { status: { name: 'Done' }, customfield_99999: 'x' } }),
    );
    expect(rejected).toEqual({
      status: 400,
      data: {
        errorMessages: [],
        errors: {
          status: "Field 'status' cannot be set. It is not on the appropriate screen, or unknown.",
          customfield_99999:
            "Field 'customfield_99999' cannot be set. It is not on the appropriate screen, or unknown.",
        },
      },
    });
  });

  it('rejects a description that is not ADF (the v3 API is strict)', async () => {
    const { client, emulator } = await setup();
    emulator.seedIssue({ summary: 'x' });
    const error = await failure(
      rawRequest(client, { url: '/rest/api/3/issue/KHI-1', method: 'PUT', data: { fields: { description: 'plain' } } }),
    );
    expect(error).toEqual({
      status: 400,
      data: {
        errorMessages: [],
        errors: { description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' },
      },
    });
  });

  it('creates issues and sub-tasks with a parent', async () => {
    const { client, emulator } = await setup();
    const created = await client.issues.createIssue({
      fields: {
        project: { key: 'KHI' },
        issuetype: { name: 'Task' },
        summary: 'Parent task',
        description: adf('Do things'),
        labels: ['khitomer'],
        customfield_10050: 'acme/api#main',
      },
    });
    expect(created).toEqual({ id: '10001', key: 'KHI-1', self: `${emulator.url}/rest/api/3/issue/10001` });
    const sub = await client.issues.createIssue({
      fields: { project: { key: 'KHI' }, issuetype: { name: 'Sub-task' }, parent: { key: 'KHI-1' }, summary: 'Child' },
    });
    expect(sub.key).toBe('KHI-2');
    const child = await client.issues.getIssue({ issueIdOrKey: 'KHI-2', fields: ['parent', 'issuetype'] });
    expect(child.fields.parent).toMatchObject({ key: 'KHI-1', fields: { summary: 'Parent task' } });
    expect(child.fields.issuetype).toMatchObject({ name: 'Sub-task', subtask: true, hierarchyLevel: -1 });
    const parent = await client.issues.getIssue({ issueIdOrKey: 'KHI-1', fields: ['subtasks'] });
    expect(parent.fields.subtasks?.map((s) => s.key)).toEqual(['KHI-2']);
    expect(emulator.getIssue('KHI-2').parentKey).toBe('KHI-1');
  });

  it('rejects invalid creates with per-field errors', async () => {
    const { client } = await setup();
    const missing = await failure(
      rawRequest(client, {
        url: '/rest/api/3/issue',
        method: 'POST',
        data: { fields: { project: { key: 'NOPE' }, issuetype: {} } },
      }),
    );
    expect(missing).toEqual({
      status: 400,
      data: {
        errorMessages: [],
        errors: {
          project: 'Specify a valid project ID or key',
          issuetype: 'Specify an issue type',
          summary: 'You must specify a summary of the issue.',
        },
      },
    });
    const orphan = await failure(
      client.issues.createIssue({ fields: { project: { key: 'KHI' }, issuetype: { name: 'Sub-task' }, summary: 'x' } }),
    );
    expect(orphan.data).toEqual({ errorMessages: [], errors: { parent: 'Sub-tasks must be created with a parent.' } });
  });

  it('assigns and unassigns, recording the change', async () => {
    const { client, emulator } = await setup();
    emulator.seedIssue({ summary: 'x' });
    const me = await client.myself.getCurrentUser();
    await client.issues.assignIssue({ issueIdOrKey: 'KHI-1', accountId: me.accountId });
    const assigned = await client.issues.getIssue({ issueIdOrKey: 'KHI-1', fields: ['assignee'] });
    expect(assigned.fields.assignee).toMatchObject({ accountId: me.accountId, emailAddress: 'bot@example.com' });
    await rawRequest(client, { url: '/rest/api/3/issue/KHI-1/assignee', method: 'PUT', data: { accountId: null } });
    expect(emulator.getIssue('KHI-1').assigneeAccountId).toBeNull();
    expect(emulator.getIssue('KHI-1').changelog.map((c) => c.items[0]?.field)).toEqual(['assignee', 'assignee']);
    expect((await failure(client.issues.assignIssue({ issueIdOrKey: 'KHI-1', accountId: 'ghost' }))).status).toBe(404);
  });

  it('expands the changelog on GET issue, most recent first', async () => {
    const { client, emulator } = await setup();
    const key = emulator.seedIssue({ summary: 'x' });
    emulator.moveIssue(key, 'In Progress');
    emulator.moveIssue(key, 'In Review');
    const issue = await client.issues.getIssue({ issueIdOrKey: key, expand: 'changelog', fields: ['status'] });
    expect(issue.changelog?.total).toBe(2);
    expect(issue.changelog?.histories?.map((h) => h.items?.[0]?.toString)).toEqual(['In Review', 'In Progress']);
  });
});
