import { environmentSchema } from '@khitomer/config';
import { describe, expect, it } from 'vitest';
import {
  checkComposeFile,
  DOCUMENTED_EXTRA_VARIABLES,
  khitomerComposeOptions,
  parseComposeFile,
} from './compose-file.js';
import { readRepositoryFile } from './repository-files.js';

const options = khitomerComposeOptions(Object.keys(environmentSchema.shape));

/** Replaces `from` with `to`, failing loudly when `from` is absent (so a mutation never no-ops). */
function mutate(text: string, from: string | RegExp, to: string): string {
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`mutation did not apply: ${String(from)}`);
  return changed;
}

/** A small compose file that passes every check; the broken inputs below each change one thing. */
const GOOD = `
services:
  db:
    image: postgres:16.4
    healthcheck:
      test: ["CMD-SHELL", "pg_isready"]
  temporal:
    image: temporalio/auto-setup:1.29.1
    depends_on:
      db:
        condition: service_healthy
    healthcheck:
      test: ["CMD-SHELL", "temporal operator cluster health | grep -q SERVING"]
  setup:
    image: temporalio/admin-tools:1.29.1-tctl-1.18.4-cli-1.5.0
    depends_on:
      temporal:
        condition: service_healthy
    command: >-
      temporal operator search-attribute create --name JiraIssueKey --type Keyword &&
      temporal operator search-attribute create --name Repository --type Keyword
  leader:
    build: { context: ., dockerfile: Dockerfile.leader }
    env_file: .env
    environment:
      TEMPORAL_ADDRESS: temporal:7233
      JIRA_TOKEN: x
    ports: ["8080:8080", "9090:9090"]
    depends_on:
      temporal: { condition: service_healthy }
      setup: { condition: service_completed_successfully }
  worker:
    build: { context: ., dockerfile: Dockerfile.worker }
    env_file: [.env]
    environment:
      - TEMPORAL_ADDRESS=temporal:7233
      - WORKSPACE_DIR
    expose: ["9464"]
    depends_on:
      temporal: { condition: service_healthy }
      setup: { condition: service_completed_successfully }
`;

describe('docker-compose.yml', () => {
  const text = readRepositoryFile('docker-compose.yml');

  it('exists and passes every check', () => {
    expect(text, 'docker-compose.yml is missing at the repository root').toBeDefined();
    expect(checkComposeFile(text!, options)).toEqual([]);
  });

  it('would fail on a misspelt variable in the worker environment', () => {
    const broken = mutate(text!, 'WORKSPACE_DIR:', 'WORKSPACE_DIRECTORY:');
    expect(checkComposeFile(broken, options)).toEqual([
      'service "worker" sets WORKSPACE_DIRECTORY, which is not a configuration variable',
    ]);
  });

  it('would fail when the admin-tools step no longer registers Repository', () => {
    const broken = mutate(text!, /register Repository/, 'true');
    expect(checkComposeFile(broken, options)).toEqual(['search attribute Repository is not registered']);
  });

  it('pins every image of the file', () => {
    const compose = parseComposeFile(text!);
    const images = [...compose.services.values()].flatMap((s) => (s.image ? [s.image] : []));
    expect(images.length).toBeGreaterThanOrEqual(4);
  });
});

describe('checkComposeFile on broken inputs', () => {
  it('accepts the baseline', () => {
    expect(checkComposeFile(GOOD, options)).toEqual([]);
  });

  it('rejects an env name typo such as JIRA_TOKN (map and list syntax)', () => {
    expect(checkComposeFile(mutate(GOOD, 'JIRA_TOKEN: x', 'JIRA_TOKN: x'), options)).toEqual([
      'service "leader" sets JIRA_TOKN, which is not a configuration variable',
    ]);
    expect(checkComposeFile(mutate(GOOD, '- WORKSPACE_DIR', '- WORKSPACE_DIRS=/w'), options)).toEqual([
      'service "worker" sets WORKSPACE_DIRS, which is not a configuration variable',
    ]);
  });

  it('accepts the documented extras and nothing else outside the schema', () => {
    for (const extra of Object.keys(DOCUMENTED_EXTRA_VARIABLES)) {
      expect(checkComposeFile(mutate(GOOD, 'JIRA_TOKEN: x', `${extra}: x`), options)).toEqual([]);
    }
  });

  it('rejects a missing app service', () => {
    const noWorker = GOOD.slice(0, GOOD.indexOf('  worker:'));
    expect(checkComposeFile(noWorker, options)).toContain('service "worker" is missing');
  });

  it.each([
    ['postgres:16.4', 'postgres:latest', /image postgres:latest uses the moving tag latest/],
    ['postgres:16.4', 'postgres', /image postgres has no tag/],
    ['temporalio/auto-setup:1.29.1', 'temporalio/auto-setup:1', /not an explicit/],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a compose variable, not a template
    ['temporalio/auto-setup:1.29.1', 'temporalio/auto-setup:${TEMPORAL_VERSION}', /variable/],
  ])('rejects image %s changed to %s', (from, to, message) => {
    const problems = checkComposeFile(mutate(GOOD, from, to), options);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('rejects a worker that cannot be scaled', () => {
    const named = mutate(
      GOOD,
      '    build: { context: ., dockerfile: Dockerfile.worker }',
      '    container_name: w1\n    build: .',
    );
    expect(checkComposeFile(named, options)).toEqual([
      'service "worker" has container_name w1, so it cannot be scaled',
    ]);
    const fixedPort = mutate(GOOD, 'expose: ["9464"]', 'ports: ["9464:9464"]');
    expect(checkComposeFile(fixedPort, options)).toEqual([
      'service "worker" publishes host port 9464, so it cannot be scaled',
    ]);
    const longSyntax = mutate(GOOD, 'expose: ["9464"]', 'ports: [{ target: 9464, published: 9464 }]');
    expect(checkComposeFile(longSyntax, options)).toHaveLength(1);
    expect(checkComposeFile(mutate(GOOD, 'expose: ["9464"]', 'ports: ["9464"]'), options)).toEqual([]);
  });

  it('rejects depends_on without an ordering condition', () => {
    const shortForm = mutate(
      GOOD,
      '    depends_on:\n      db:\n        condition: service_healthy\n',
      '    depends_on: [db]\n',
    );
    expect(checkComposeFile(shortForm, options)).toEqual([
      'service "temporal" depends on "db" without a service_healthy or service_completed_successfully condition',
    ]);
    const started = mutate(GOOD, 'db:\n        condition: service_healthy', 'db:\n        condition: service_started');
    expect(checkComposeFile(started, options)).toHaveLength(1);
  });

  it('rejects waiting for health of a service without a healthcheck', () => {
    const noHealth = mutate(GOOD, '    healthcheck:\n      test: ["CMD-SHELL", "pg_isready"]\n', '');
    expect(checkComposeFile(noHealth, options)).toEqual([
      'service "temporal" depends on "db" being healthy, but "db" has no healthcheck',
    ]);
    const disabled = mutate(GOOD, 'test: ["CMD-SHELL", "pg_isready"]', 'disable: true');
    expect(checkComposeFile(disabled, options)).toHaveLength(1);
  });

  it('rejects waiting for completion of a service that restarts forever', () => {
    const forever = mutate(GOOD, '  setup:\n', '  setup:\n    restart: unless-stopped\n');
    expect(checkComposeFile(forever, options)).toEqual([
      'service "leader" depends on "setup" completing, but "setup" restarts unless-stopped',
      'service "worker" depends on "setup" completing, but "setup" restarts unless-stopped',
    ]);
  });

  it('rejects missing search attribute registration', () => {
    expect(checkComposeFile(mutate(GOOD, '--name Repository', '--name Repo'), options)).toEqual([
      'search attribute Repository is not registered',
    ]);
    expect(checkComposeFile(GOOD.replaceAll('--type Keyword', '--type Text'), options)).toEqual([
      'search attributes are not created with --type Keyword',
    ]);
    expect(checkComposeFile(GOOD.replaceAll('search-attribute create', 'search-attribute list'), options)).toContain(
      'no service runs "temporal operator search-attribute create"',
    );
  });

  it('rejects an app service that does not wait for the search attributes', () => {
    const eager = mutate(
      GOOD,
      '      temporal: { condition: service_healthy }\n      setup: { condition: service_completed_successfully }\n  worker:',
      '      temporal: { condition: service_healthy }\n  worker:',
    );
    expect(checkComposeFile(eager, options)).toEqual([
      'service "leader" does not wait (service_completed_successfully) for setup',
    ]);
  });

  it('rejects app wiring mistakes', () => {
    expect(checkComposeFile(mutate(GOOD, '    env_file: .env\n', ''), options)).toEqual([
      'service "leader" does not read .env (env_file)',
    ]);
    expect(
      checkComposeFile(mutate(GOOD, 'TEMPORAL_ADDRESS: temporal:7233', 'TEMPORAL_ADDRESS: temporl:7233'), options),
    ).toEqual(['service "leader" TEMPORAL_ADDRESS temporl:7233 does not name a service of this file']);
    expect(checkComposeFile(mutate(GOOD, '"9090:9090"', '"9091:9091"'), options)).toEqual([
      'service "leader" does not publish container port 9090',
    ]);
  });

  it('reports unparseable YAML instead of throwing', () => {
    expect(checkComposeFile('services: [unclosed', options)[0]).toMatch(/does not parse/);
    expect(checkComposeFile('version: "3"', options)).toEqual([
      'compose file does not parse: compose file has no "services" mapping',
    ]);
  });
});
