import { HttpException, Version3Client } from 'jira.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startJiraEmulator } from './emulator.js';
import type { JiraEmulator } from './types.js';

const running: JiraEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup() {
  const emulator = await startJiraEmulator();
  running.push(emulator);
  const { username, apiToken } = emulator.credentials;
  const client = new Version3Client({ host: emulator.url, authentication: { basic: { email: username, apiToken } } });
  emulator.seedIssue({ summary: 'Linked issue' });
  return { emulator, client };
}

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

describe('remote links', () => {
  it('creates a link, then updates it in place for the same globalId', async () => {
    const { client, emulator } = await setup();
    const globalId = 'github-pr:acme/api#12';
    const first = await client.issueRemoteLinks.createOrUpdateRemoteIssueLink({
      issueIdOrKey: 'KHI-1',
      globalId,
      relationship: 'implemented by',
      object: { url: 'https://github.com/acme/api/pull/12', title: 'PR #12' },
    });
    expect(first).toEqual({ id: 10000, self: `${emulator.url}/rest/api/3/issue/KHI-1/remotelink/10000` });
    const again = await client.issueRemoteLinks.createOrUpdateRemoteIssueLink({
      issueIdOrKey: 'KHI-1',
      globalId,
      object: { url: 'https://github.com/acme/api/pull/12', title: 'PR #12 (draft)' },
    });
    expect(again.id).toBe(10000);
    const other = await client.issueRemoteLinks.createOrUpdateRemoteIssueLink({
      issueIdOrKey: 'KHI-1',
      object: { url: 'https://example.com', title: 'No global id' },
    });
    expect(other.id).toBe(10001);

    const links = await client.issueRemoteLinks.getRemoteIssueLinks({ issueIdOrKey: 'KHI-1' });
    expect(links).toHaveLength(2);
    expect(links).toContainEqual(
      expect.objectContaining({
        id: 10000,
        globalId,
        object: { url: 'https://github.com/acme/api/pull/12', title: 'PR #12 (draft)' },
      }),
    );
    const byGlobalId = await client.issueRemoteLinks.getRemoteIssueLinks({ issueIdOrKey: 'KHI-1', globalId });
    expect(byGlobalId).toMatchObject({ id: 10000 });
    expect(emulator.remoteLinks('KHI-1').map((l) => l.globalId)).toEqual([globalId, null]);
  });

  it('rejects a link without url/title and links on unknown issues', async () => {
    const { client } = await setup();
    const fail = async (call: Promise<unknown>) => {
      try {
        await call;
      } catch (error) {
        if (error instanceof HttpException) return error.status;
        throw error;
      }
      throw new Error('expected a failure');
    };
    expect(
      await fail(
        rawRequest(client, {
          url: '/rest/api/3/issue/KHI-1/remotelink',
          method: 'POST',
          data: { object: { url: 'https://x' } },
        }),
      ),
    ).toBe(400);
    expect(
      await fail(
        client.issueRemoteLinks.createOrUpdateRemoteIssueLink({
          issueIdOrKey: 'KHI-9',
          object: { url: 'https://x', title: 't' },
        }),
      ),
    ).toBe(404);
  });
});
