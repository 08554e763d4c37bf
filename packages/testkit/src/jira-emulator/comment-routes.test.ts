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
  emulator.seedIssue({ summary: 'Commented issue' });
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

const body: AdfDocument = {
  type: 'doc',
  version: 1,
  content: [
    {
      type: 'paragraph',
      content: [
        { type: 'text', text: 'PR opened: ' },
        {
          type: 'text',
          text: 'link',
          marks: [{ type: 'link', attrs: { href: 'https://github.com/acme/api/pull/1' } }],
        },
      ],
    },
    {
      type: 'bulletList',
      content: [
        { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'tests: green' }] }] },
      ],
    },
  ],
};

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

describe('comments', () => {
  it('adds an ADF comment and lists it', async () => {
    const { client, emulator } = await setup();
    const before = emulator.getIssue('KHI-1').updated;
    const created = await client.issueComments.addComment({ issueIdOrKey: 'KHI-1', comment: body });
    expect(created).toMatchObject({ id: '10000', body, author: { emailAddress: 'bot@example.com' } });
    const page = await client.issueComments.getComments({ issueIdOrKey: 'KHI-1' });
    expect(page).toMatchObject({ startAt: 0, total: 1, comments: [{ id: '10000', body }] });
    expect(emulator.comments('KHI-1')).toMatchObject([{ id: '10000', text: 'PR opened: link\ntests: green' }]);
    // Commenting bumps the issue's `updated`.
    expect(Date.parse(emulator.getIssue('KHI-1').updated)).toBeGreaterThan(Date.parse(before));
  });

  it('rejects a plain-string body with 400, as the v3 API does', async () => {
    const { client, emulator } = await setup();
    // jira.js wraps strings into ADF itself, so send the raw body through its transport.
    const error = await failure(
      rawRequest(client, { url: '/rest/api/3/issue/KHI-1/comment', method: 'POST', data: { body: 'plain text' } }),
    );
    expect(error).toEqual({
      status: 400,
      data: { errorMessages: [], errors: { comment: 'Comment body is not valid!' } },
    });
    expect(emulator.comments('KHI-1')).toEqual([]);
  });

  it.each([
    ['a doc without version', { type: 'doc', content: [] }],
    ['an unknown node', { type: 'doc', version: 1, content: [{ type: 'marquee' }] }],
    ['text directly in the doc', { type: 'doc', version: 1, content: [{ type: 'text', text: 'x' }] }],
    [
      'an empty text node',
      { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] },
    ],
  ])('rejects invalid ADF: %s', async (_name, invalid) => {
    const { client } = await setup();
    const error = await failure(
      rawRequest(client, { url: '/rest/api/3/issue/KHI-1/comment', method: 'POST', data: { body: invalid } }),
    );
    expect(error.status).toBe(400);
  });

  it('stores properties given on create and serves them with expand=properties and by key', async () => {
    const { client, emulator } = await setup();
    const marker = { key: 'khitomer.marker', value: { runId: 'run-1', kind: 'final' } };
    const created = await client.issueComments.addComment({
      issueIdOrKey: 'KHI-1',
      comment: body,
      properties: [marker],
    });
    const withProps = await client.issueComments.getComments({ issueIdOrKey: 'KHI-1', expand: 'properties' });
    expect(withProps.comments?.[0]?.properties).toEqual([marker]);
    const without = await client.issueComments.getComments({ issueIdOrKey: 'KHI-1' });
    expect(without.comments?.[0]).not.toHaveProperty('properties');

    const commentId = String(created.id);
    const property = await client.issueCommentProperties.getCommentProperty({
      commentId,
      propertyKey: 'khitomer.marker',
    });
    expect(property).toEqual(marker);
    await client.issueCommentProperties.setCommentProperty({
      commentId,
      propertyKey: 'khitomer.second',
      property: { n: 2 },
    });
    const keys = await client.issueCommentProperties.getCommentPropertyKeys(commentId);
    expect(keys.keys?.map((k) => k.key)).toEqual(['khitomer.marker', 'khitomer.second']);
    expect(emulator.comments('KHI-1')[0]?.properties).toEqual({
      'khitomer.marker': marker.value,
      'khitomer.second': { n: 2 },
    });

    const missing = await failure(client.issueCommentProperties.getCommentProperty({ commentId, propertyKey: 'nope' }));
    expect(missing.status).toBe(404);
    const noComment = await failure(
      client.issueCommentProperties.getCommentProperty({ commentId: '999', propertyKey: 'khitomer.marker' }),
    );
    expect(noComment.status).toBe(404);
  });

  it('answers 201 for a new property and 200 for an update', async () => {
    const { client, emulator } = await setup();
    const created = await client.issueComments.addComment({ issueIdOrKey: 'KHI-1', comment: body });
    const put = () =>
      fetch(`${emulator.url}/rest/api/3/comment/${created.id}/properties/k`, {
        method: 'PUT',
        headers: {
          authorization: `Basic ${Buffer.from('bot@example.com:jira-test-token').toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ v: 1 }),
      });
    expect((await put()).status).toBe(201);
    expect((await put()).status).toBe(200);
    await expect(
      client.issueCommentProperties.getCommentProperty({ commentId: String(created.id), propertyKey: 'k' }),
    ).resolves.toEqual({
      key: 'k',
      value: { v: 1 },
    });
  });
});
