import { HttpException, Version3Client } from 'jira.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startJiraEmulator } from './emulator.js';
import type { JiraEmulator, JiraEmulatorOptions } from './types.js';

const running: JiraEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup(options?: JiraEmulatorOptions, apiToken?: string) {
  const emulator = await startJiraEmulator(options);
  running.push(emulator);
  const client = new Version3Client({
    host: emulator.url,
    authentication: {
      basic: { email: emulator.credentials.username, apiToken: apiToken ?? emulator.credentials.apiToken },
    },
  });
  return { emulator, client };
}

/** The HTTP failure of a jira.js call: status, body and response headers. */
async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof HttpException)) throw error;
    const response = typeof error.response === 'string' ? {} : error.response;
    const cause: unknown = error.cause;
    const headers =
      typeof cause === 'object' && cause !== null && 'response' in cause && typeof cause.response === 'object'
        ? ((cause.response as { headers?: Record<string, string> }).headers ?? {})
        : {};
    return { status: error.status, data: response.data as unknown, headers };
  }
  throw new Error('expected the call to fail');
}

describe('jira emulator: auth and metadata', () => {
  it('rejects a wrong API token with 401 like Jira Cloud and logs the request', async () => {
    const { client, emulator } = await setup(undefined, 'wrong-token');
    const error = await failure(client.myself.getCurrentUser());
    expect(error.status).toBe(401);
    expect(error.data).toBe('Client must be authenticated to access this resource.');
    expect(emulator.requests.filter('GET', '/rest/api/3/myself')).toHaveLength(1);
  });

  it('rejects requests without credentials on every REST route', async () => {
    const { emulator } = await setup();
    for (const path of ['/rest/api/3/field', '/rest/api/3/search/jql?jql=project=KHI', '/rest/api/3/issue/KHI-1']) {
      const response = await fetch(`${emulator.url}${path}`);
      expect(response.status).toBe(401);
    }
  });

  it('answers /myself for the configured user', async () => {
    const { client } = await setup({ username: 'robot@acme.test', apiToken: 'secret-1' });
    const me = await client.myself.getCurrentUser();
    expect(me).toMatchObject({ emailAddress: 'robot@acme.test', active: true, accountType: 'atlassian' });
    expect(me.accountId).toEqual(expect.any(String));
  });

  it('lists system and custom fields in Jira’s field shape', async () => {
    const { client } = await setup({ customFields: [{ id: 'customfield_10077', name: 'Repo URL' }] });
    const fields = await client.issueFields.getFields();
    expect(fields.find((f) => f.id === 'customfield_10077')).toEqual({
      id: 'customfield_10077',
      key: 'customfield_10077',
      name: 'Repo URL',
      untranslatedName: 'Repo URL',
      custom: true,
      orderable: true,
      navigable: true,
      searchable: true,
      clauseNames: ['cf[10077]', 'Repo URL'],
      schema: {
        type: 'string',
        custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield',
        customId: 10077,
      },
    });
    expect(fields.find((f) => f.id === 'summary')).toMatchObject({
      custom: false,
      schema: { type: 'string', system: 'summary' },
    });
    expect(fields.map((f) => f.id)).toEqual(
      expect.arrayContaining(['status', 'statuscategorychangedate', 'parent', 'labels', 'assignee', 'description']),
    );
  });

  it('answers the removed legacy search endpoints with 410 Gone', async () => {
    const { client, emulator } = await setup();
    const v3 = await failure(client.issueSearch.searchForIssuesUsingJql({ jql: 'project = KHI' }));
    expect(v3.status).toBe(410);
    expect(v3.data).toEqual({
      errorMessages: [expect.stringContaining('Please migrate to the /rest/api/3/search/jql API')],
      errors: {},
    });
    const v3Post = await failure(client.issueSearch.searchForIssuesUsingJqlPost({ jql: 'project = KHI' }));
    expect(v3Post.status).toBe(410);
    const v2 = await fetch(`${emulator.url}/rest/api/2/search?jql=project%3DKHI`, {
      headers: { authorization: `Basic ${Buffer.from('bot@example.com:jira-test-token').toString('base64')}` },
    });
    expect(v2.status).toBe(410);
  });
});

describe('jira emulator: fault injection', () => {
  it('fails a request with 500 once, then lets the retry through', async () => {
    const { client, emulator } = await setup();
    emulator.faults.add({ path: '/rest/api/3/myself', status: 500, times: 1 });
    expect((await failure(client.myself.getCurrentUser())).status).toBe(500);
    await expect(client.myself.getCurrentUser()).resolves.toMatchObject({ active: true });
    expect(emulator.faults.injected).toEqual([{ method: 'GET', path: '/rest/api/3/myself', status: 500 }]);
  });

  it('answers 429 with a Retry-After header the client can see', async () => {
    const { client, emulator } = await setup();
    emulator.faults.add({
      path: '/rest/api/3/search/*',
      status: 429,
      retryAfterSeconds: 7,
      times: 1,
      body: { errorMessages: ['Rate limit exceeded.'], errors: {} },
    });
    emulator.seedIssue({ summary: 'x' });
    const error = await failure(client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = KHI' }));
    expect(error.status).toBe(429);
    expect(error.headers['retry-after']).toBe('7');
    const ok = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = KHI' });
    expect(ok.issues).toHaveLength(1);
  });

  it('hangs a request until the emulator closes, and close() drops the hung connection', async () => {
    const { client, emulator } = await setup();
    emulator.faults.add({ path: '/rest/api/3/myself', hang: true });
    const pending = client.myself.getCurrentUser().then(
      () => 'answered',
      () => 'dropped',
    );
    const deadline = Date.now() + 5_000;
    while (emulator.faults.injected.length === 0) {
      if (Date.now() > deadline) throw new Error('the request never reached the emulator');
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(emulator.faults.injected).toEqual([{ method: 'GET', path: '/rest/api/3/myself', status: 'hang' }]);
    await emulator.close();
    expect(await pending).toBe('dropped');
  });

  it('does not apply faults to the control API', async () => {
    const { emulator } = await setup();
    emulator.faults.add({ status: 503 });
    const response = await fetch(`${emulator.url}/_emulator/issues`, {
      method: 'POST',
      body: JSON.stringify({ summary: 'seeded over HTTP' }),
    });
    expect(response.status).toBe(201);
  });
});

describe('jira emulator: control API over HTTP', () => {
  it('seeds, moves and reads issues, and adds fault rules, without auth', async () => {
    const { emulator, client } = await setup();
    const seeded = await fetch(`${emulator.url}/_emulator/issues`, {
      method: 'POST',
      body: JSON.stringify({ summary: 'Demo ticket', description: 'Line one\nLine two', repository: 'acme/demo' }),
    });
    expect(await seeded.json()).toEqual({ key: 'KHI-1' });
    const moved = await fetch(`${emulator.url}/_emulator/issues/KHI-1/move`, {
      method: 'POST',
      body: JSON.stringify({ status: 'Ready for Development' }),
    });
    expect(await moved.json()).toMatchObject({
      status: 'Ready for Development',
      descriptionText: 'Line one\nLine two',
      customFields: { customfield_10050: 'acme/demo' },
      changelog: [{ items: [{ field: 'status', fromString: 'To Do', toString: 'Ready for Development' }] }],
    });
    expect((await fetch(`${emulator.url}/_emulator/issues/KHI-9`)).status).toBe(404);
    expect((await fetch(`${emulator.url}/_emulator/issues/KHI-1/move`, { method: 'POST', body: '{}' })).status).toBe(
      400,
    );

    const fault = await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ path: '/rest/api/3/field', status: 503, times: 1 }),
    });
    expect(fault.status).toBe(204);
    expect((await failure(client.issueFields.getFields())).status).toBe(503);
    await expect(client.issueFields.getFields()).resolves.toEqual(expect.any(Array));
  });

  it('validates seed input with readable errors', async () => {
    const { emulator } = await setup();
    expect(() => emulator.seedIssue({ summary: 'x', status: 'Doing' })).toThrow("unknown status 'Doing'");
    expect(() => emulator.seedIssue({ summary: 'x', issueType: 'Sub-task' })).toThrow(
      'Sub-tasks must be created with a parent.',
    );
    expect(() => emulator.seedIssue({ summary: 'x', projectKey: 'NOPE' })).toThrow("unknown project 'NOPE'");
    expect(() => emulator.getIssue('KHI-1')).toThrow("no issue 'KHI-1'");
  });

  it('rejects inconsistent options at start', async () => {
    await expect(startJiraEmulator({ transitions: [{ id: '1', name: 'Go', to: 'Nowhere' }] })).rejects.toThrow(
      "unknown status 'Nowhere'",
    );
    await expect(startJiraEmulator({ projects: [{ key: 'bad-key', name: 'x' }] })).rejects.toThrow(
      'invalid project key',
    );
  });
});
