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

describe('transitions', () => {
  it('lists one global transition into every other status by default', async () => {
    const { client, emulator } = await setup();
    const key = emulator.seedIssue({ summary: 'x', status: 'Ready for Development' });
    const { transitions } = await client.issues.getTransitions({ issueIdOrKey: key });
    expect(transitions?.map((t) => t.to?.name)).toEqual(['To Do', 'In Progress', 'In Review', 'Done']);
    expect(transitions?.find((t) => t.to?.name === 'In Progress')).toMatchObject({
      name: 'Start Progress',
      isGlobal: true,
      hasScreen: false,
      to: { statusCategory: { key: 'indeterminate' } },
    });
  });

  it('moves the issue, updates timestamps and appends to the paged changelog', async () => {
    const { client, emulator } = await setup();
    const key = emulator.seedIssue({ summary: 'x', status: 'Ready for Development' });
    const created = emulator.getIssue(key);
    const { transitions } = await client.issues.getTransitions({ issueIdOrKey: key });
    const start = transitions?.find((t) => t.to?.name === 'In Progress');
    await client.issues.doTransition({ issueIdOrKey: key, transition: { id: start?.id } });

    const issue = await client.issues.getIssue({
      issueIdOrKey: key,
      fields: ['status', 'updated', 'statuscategorychangedate'],
    });
    expect(issue.fields.status.name).toBe('In Progress');
    expect(Date.parse(issue.fields.updated)).toBeGreaterThan(Date.parse(created.updated));
    // Ready for Development (To Do category) → In Progress changes the status category.
    expect(Date.parse(String(issue.fields.statuscategorychangedate))).toBe(Date.parse(issue.fields.updated));

    const review = (await client.issues.getTransitions({ issueIdOrKey: key })).transitions?.find(
      (t) => t.to?.name === 'In Review',
    );
    await client.issues.doTransition({ issueIdOrKey: key, transition: { id: review?.id } });
    const afterReview = emulator.getIssue(key);
    // In Progress → In Review stays in the same category, so the category date does not move.
    expect(afterReview.statusCategoryChangedAt).toBe(new Date(Date.parse(issue.fields.updated)).toISOString());

    const changelog = await client.issues.getChangeLogs({ issueIdOrKey: key, maxResults: 1 });
    expect(changelog).toMatchObject({ startAt: 0, maxResults: 1, total: 2, isLast: false });
    expect(changelog.values?.[0]?.items?.[0]).toMatchObject({
      field: 'status',
      fieldtype: 'jira',
      fromString: 'Ready for Development',
      toString: 'In Progress',
    });
    const second = await client.issues.getChangeLogs({ issueIdOrKey: key, startAt: 1, maxResults: 1 });
    expect(second).toMatchObject({ isLast: true, values: [{ items: [{ toString: 'In Review' }] }] });
    expect(emulator.transitionsApplied.map((t) => [t.issueKey, t.from, t.to])).toEqual([
      [key, 'Ready for Development', 'In Progress'],
      [key, 'In Progress', 'In Review'],
    ]);
  });

  it('rejects an unknown or unavailable transition id with 400', async () => {
    const { client, emulator } = await setup();
    const key = emulator.seedIssue({ summary: 'x' });
    const todo = '11'; // the global transition into "To Do": not available from "To Do" itself
    for (const id of ['999', todo]) {
      expect(await failure(client.issues.doTransition({ issueIdOrKey: key, transition: { id } }))).toEqual({
        status: 400,
        data: { errorMessages: [`Transition id '${id}' is not valid for this issue.`], errors: {} },
      });
    }
    expect((await failure(client.issues.doTransition({ issueIdOrKey: key, transition: {} }))).status).toBe(400);
    expect(emulator.getIssue(key).status).toBe('To Do');
  });

  it("offers no transition at all with transitions: 'none'", async () => {
    const { client, emulator } = await setup({ transitions: 'none' });
    const key = emulator.seedIssue({ summary: 'x' });
    expect(await client.issues.getTransitions({ issueIdOrKey: key })).toEqual({
      expand: 'transitions',
      transitions: [],
    });
  });

  it('honours custom workflows with `from` restrictions and adds a comment given in update', async () => {
    const { client, emulator } = await setup({
      statuses: ['Open', 'Doing', { name: 'Shipped', category: 'done' }],
      transitions: [
        { id: '5', name: 'Begin', to: 'Doing', from: ['Open'] },
        { id: '7', name: 'Ship', to: 'Shipped', from: ['Doing'] },
      ],
    });
    const key = emulator.seedIssue({ summary: 'x' });
    expect((await client.issues.getTransitions({ issueIdOrKey: key })).transitions?.map((t) => t.id)).toEqual(['5']);
    expect((await failure(client.issues.doTransition({ issueIdOrKey: key, transition: { id: '7' } }))).status).toBe(
      400,
    );
    await client.issues.doTransition({
      issueIdOrKey: key,
      transition: { id: '5' },
      update: {
        comment: [
          {
            add: {
              body: {
                type: 'doc',
                version: 1,
                content: [{ type: 'paragraph', content: [{ type: 'text', text: 'started' }] }],
              },
            },
          },
        ],
      },
    });
    expect(emulator.getIssue(key).status).toBe('Doing');
    expect(emulator.comments(key).map((c) => c.text)).toEqual(['started']);
  });

  it('lets a human move an issue outside the workflow, recorded as the human', async () => {
    const { client, emulator } = await setup({ transitions: 'none' });
    const key = emulator.seedIssue({ summary: 'x' });
    emulator.moveIssue(key, 'Ready for Development');
    const [entry] = (await client.issues.getChangeLogs({ issueIdOrKey: key })).values ?? [];
    expect(entry?.author?.accountId).not.toBe((await client.myself.getCurrentUser()).accountId);
    expect(entry?.items?.[0]).toMatchObject({ fromString: 'To Do', toString: 'Ready for Development' });
    expect(emulator.transitionsApplied).toEqual([]);
  });
});
