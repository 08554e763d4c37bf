import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.js';
import { loadConfigOrExit } from './load-or-exit.js';

const minimal = {
  JIRA_BASE_URL: 'https://acme.atlassian.net/',
  JIRA_USERNAME: 'bot@acme.com',
  JIRA_TOKEN: 'jira-secret-value-1234',
  JIRA_PROJECT_KEY: 'PAY',
  GITHUB_TOKEN: 'ghp_secretsecretsecretsecretsecret1234',
  OPENAI_API_KEY: 'sk-secret-openai-key-5678',
};

function problemsOf(env: Record<string, string | undefined>, role: 'leader' | 'worker' = 'leader') {
  try {
    loadConfig(env, role);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(minimal, 'leader');
    expect(c.temporal).toEqual({ address: 'localhost:7233', namespace: 'default', taskQueue: 'implementation-queue' });
    expect(c.jira.baseUrl).toBe('https://acme.atlassian.net');
    expect(c.jira.customField).toBe('Repository');
    expect(c.jira.statusFilter).toBe('Ready for Development');
    expect(c.jira.pollIntervalMs).toBe(300_000);
    expect(c.jira.inProgressStatus).toBe('In Progress');
    expect(c.jira.reviewStatus).toBe('In Review');
    expect(c.github.apiUrl).toBe('https://api.github.com');
    expect(c.llm.model).toBe('gpt-4.1');
    expect(c.llm.baseUrl).toBeUndefined();
    expect(c.rest.port).toBe(8080);
    expect(c.grpc.port).toBe(9090);
    expect(c.apiToken).toBeUndefined();
    expect(c.planApproval).toBe('off');
    expect(c.tests).toEqual({ command: undefined, timeoutMs: 600_000 });
    expect(c.agent).toEqual({ maxSteps: 40, maxTokens: 400_000 });
    expect(c.git).toEqual({ authorName: 'Khitomer', authorEmail: 'khitomer@users.noreply.github.com' });
    expect(c.logLevel).toBe('info');
    expect(c.workspaceDir).toMatch(/khitomer-workspace$/);
  });

  it('parses overrides and durations', () => {
    const c = loadConfig(
      { ...minimal, JIRA_POLL_INTERVAL: '500ms', TEST_TIMEOUT: '1h', PLAN_APPROVAL: 'required', REST_PORT: '18080' },
      'leader',
    );
    expect(c.jira.pollIntervalMs).toBe(500);
    expect(c.tests.timeoutMs).toBe(3_600_000);
    expect(c.planApproval).toBe('required');
    expect(c.rest.port).toBe(18080);
  });

  it('binds to all interfaces unless LISTEN_HOST says otherwise, and rejects what is not a host', () => {
    expect(loadConfig(minimal, 'leader').listenHost).toBe('0.0.0.0');
    expect(loadConfig({ ...minimal, LISTEN_HOST: '127.0.0.1' }, 'worker').listenHost).toBe('127.0.0.1');
    expect(loadConfig({ ...minimal, LISTEN_HOST: '::1' }, 'worker').listenHost).toBe('::1');
    expect(loadConfig({ ...minimal, LISTEN_HOST: 'leader.internal' }, 'leader').listenHost).toBe('leader.internal');
    const err = problemsOf({ ...minimal, LISTEN_HOST: 'http://0.0.0.0:8080' });
    expect(err.problems.map((p) => p.name)).toEqual(['LISTEN_HOST']);
    expect(err.message).toContain('LISTEN_HOST must be an IP address or a host name');
  });

  it('is frozen', () => {
    const c = loadConfig(minimal, 'leader');
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.jira)).toBe(true);
  });

  it('collects the secret values for redaction', () => {
    const c = loadConfig({ ...minimal, API_TOKEN: 'api-token-0123456789abcdef' }, 'leader');
    expect([...c.secretValues].sort()).toEqual(
      [minimal.JIRA_TOKEN, minimal.GITHUB_TOKEN, minimal.OPENAI_API_KEY, 'api-token-0123456789abcdef'].sort(),
    );
  });

  it('lists every missing variable at once, with examples', () => {
    const err = problemsOf({});
    expect(err.problems.map((p) => p.name)).toEqual([
      'GITHUB_TOKEN',
      'JIRA_BASE_URL',
      'JIRA_PROJECT_KEY',
      'JIRA_TOKEN',
      'JIRA_USERNAME',
      'OPENAI_API_KEY',
    ]);
    expect(err.message).toContain('JIRA_BASE_URL is required (example: JIRA_BASE_URL=https://acme.atlassian.net)');
    expect(err.message).toContain('.env.example');
  });

  it('does not require JIRA_PROJECT_KEY from a worker', () => {
    const { JIRA_PROJECT_KEY: _unused, ...rest } = minimal;
    expect(loadConfig(rest, 'worker').jira.projectKey).toBeUndefined();
    expect(problemsOf(rest, 'leader').problems.map((p) => p.name)).toEqual(['JIRA_PROJECT_KEY']);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ ...minimal, REST_PORT: '', API_TOKEN: '  ' }, 'leader').rest.port).toBe(8080);
  });

  it('explains malformed values', () => {
    const err = problemsOf({
      ...minimal,
      JIRA_BASE_URL: 'acme.atlassian.net',
      JIRA_POLL_INTERVAL: '5 minutes',
      REST_PORT: 'eighty',
      PLAN_APPROVAL: 'maybe',
      AGENT_MAX_STEPS: '0',
      GIT_AUTHOR_EMAIL: 'not-an-email',
      LOG_LEVEL: 'loud',
      JIRA_PROJECT_KEY: 'pay',
    });
    const byName = Object.fromEntries(err.problems.map((p) => [p.name, p.message]));
    expect(byName.JIRA_BASE_URL).toMatch(/http\(s\) URL/);
    expect(byName.JIRA_POLL_INTERVAL).toMatch(/500ms, 30s, 5m or 1h/);
    expect(byName.REST_PORT).toMatch(/port number/);
    expect(byName.PLAN_APPROVAL).toMatch(/"off" or "required"/);
    expect(byName.AGENT_MAX_STEPS).toMatch(/at least 1/);
    expect(byName.GIT_AUTHOR_EMAIL).toMatch(/e-mail/);
    expect(byName.LOG_LEVEL).toMatch(/one of/);
    expect(byName.JIRA_PROJECT_KEY).toMatch(/project key/);
  });

  it('rejects credentials inside URLs and equal ports', () => {
    const err = problemsOf({ ...minimal, GITHUB_API_URL: 'https://user:pw@github.example', GRPC_PORT: '8080' });
    expect(err.problems.map((p) => p.name)).toEqual(['GITHUB_API_URL', 'GRPC_PORT']);
  });

  it('never echoes a secret, even a malformed one', () => {
    const secret = 'short-secret';
    const err = problemsOf({ ...minimal, API_TOKEN: secret, GITHUB_API_URL: `not a url ${minimal.GITHUB_TOKEN}` });
    expect(err.message).toContain('API_TOKEN must be at least 16 characters');
    for (const value of [secret, minimal.GITHUB_TOKEN, minimal.JIRA_TOKEN, minimal.OPENAI_API_KEY]) {
      expect(err.message).not.toContain(value);
    }
  });
});

describe('loadConfigOrExit', () => {
  it('writes one message and exits with code 2', () => {
    let written = '';
    let code: number | undefined;
    expect(() =>
      loadConfigOrExit({}, 'leader', {
        write: (t) => {
          written += t;
        },
        exit: (c) => {
          code = c;
          throw new Error('exited');
        },
      }),
    ).toThrow('exited');
    expect(code).toBe(2);
    expect(written).toMatch(/^Invalid configuration: 6 problems\./);
    expect(written).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
