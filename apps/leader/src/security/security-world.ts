/**
 * Test helper for the end-to-end security tests: the Jira/GitHub/LLM emulators with unique secret
 * values, the real leader and the real worker each as a child process (`main.ts`, LOG_LEVEL=debug,
 * every byte of their output kept), and ways to collect every place a secret could end up in.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { freeLoopbackPort } from '@khitomer/testkit';
import type { FixtureName } from '@khitomer/testkit/fixtures';
import { type EmulatorStack, startEmulatorStack } from '@khitomer/testkit/stack';
import { Client, Connection } from '@temporalio/client';
import { type ServiceProcess, startServiceProcess } from './service-process.js';

export const OWNER = 'acme';
export const REPO = 'calculator';
const READY = 'Ready for Development';

/** The four secrets of PRODUCT.md §3, unique per world so that any hit is ours. */
export interface WorldSecrets {
  JIRA_TOKEN: string;
  GITHUB_TOKEN: string;
  OPENAI_API_KEY: string;
  API_TOKEN: string;
}

/** Options of {@link startSecurityWorld}. */
export interface SecurityWorldOptions {
  name: string;
  temporalAddress: string;
  temporalNamespace: string;
  fixture: FixtureName;
  /** Extra environment for both processes (e.g. TEST_COMMAND). */
  env?: Record<string, string>;
}

/** A running world. */
export interface SecurityWorld {
  stack: EmulatorStack;
  secrets: WorldSecrets;
  secretValues: string[];
  project: string;
  taskQueue: string;
  leader: ServiceProcess;
  worker: ServiceProcess;
  restUrl: string;
  grpcAddress: string;
  client: Client;
  /** Seeds a ready ticket for acme/calculator. */
  seed(summary: string, description: string): string;
  /** A REST call with the API token (or `token`); the JSON answer when there is one. */
  rest(method: string, url: string, options?: { body?: unknown; token?: string }): Promise<RestAnswer>;
  /** Waits until the ticket's run has closed (through REST), returns its view. */
  waitForRunEnd(key: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Stops the leader and worker (SIGTERM, so their last log lines are written); returns their exit codes. */
  stopServices(): Promise<{ leader: number | null; worker: number | null }>;
  /** Stops everything (idempotent): services, open runs of this task queue, emulators, connection. */
  close(): Promise<void>;
}

/** A REST answer. */
export interface RestAnswer {
  status: number;
  text: string;
  json: Record<string, unknown> | undefined;
}

const alnum = (length: number): string =>
  [...randomBytes(length)]
    .map((b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[b % 62])
    .join('');

/** Unique secret values in the shapes of the real ones. */
export function uniqueSecrets(): WorldSecrets {
  return {
    JIRA_TOKEN: `ATATT3x${alnum(40)}`,
    GITHUB_TOKEN: `ghp_${alnum(36)}`,
    OPENAI_API_KEY: `sk-proj-${alnum(40)}`,
    API_TOKEN: `khitomer-api-${alnum(32)}`,
  };
}

/**
 * The texts whose presence means `secret` leaked: raw, URL-encoded, and base64/base64url at each
 * of the three byte alignments (so also inside an encoded `user:token` pair). Pure.
 */
export function leakForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret)]);
  const bytes = Buffer.from(secret);
  for (const shift of [0, 1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    const whole = shifted.subarray(0, shifted.length - (shifted.length % 3));
    const core = whole.toString('base64').slice(Math.ceil((8 * shift) / 6));
    forms.add(core);
    forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms];
}

/** `where: NAME (form)` for every secret form found in `text`. Pure. */
export function findLeaks(where: string, text: string, secrets: WorldSecrets): string[] {
  const hits: string[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    for (const form of leakForms(value)) {
      if (text.includes(form)) hits.push(`${where}: ${name}${form === value ? '' : ` (encoded as ${form})`}`);
    }
  }
  return hits;
}

/** Every string and byte array (as UTF-8) inside a value, e.g. a Temporal history with its payloads. Pure. */
export function textsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) for (const item of value) textsOf(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      textsOf(item, out);
    }
  }
  return out;
}

/** Every regular file below `dir` with its content (as latin1, so bytes are kept one to one). */
export function filesBelow(dir: string): { file: string; content: string }[] {
  if (!existsSync(dir)) return [];
  const out: { file: string; content: string }[] = [];
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(dir, entry);
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat?.isFile()) out.push({ file: entry, content: readFileSync(file, 'latin1') });
  }
  return out;
}

/** Runs git with a clean environment (no global config) and returns stdout. */
export function git(args: string[]): string {
  return execFileSync('git', args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: '/nonexistent',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    },
  });
}

/** Every request an emulator received, as text: method, path, query, headers but `authorization`, body. */
export function requestsText(
  entries: readonly {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body: string;
  }[],
): string {
  return entries
    .map((e) => {
      const headers = Object.entries(e.headers).filter(([name]) => name !== 'authorization');
      return `${e.method} ${e.path} ${JSON.stringify(e.query)} ${JSON.stringify(headers)}\n${e.body}`;
    })
    .join('\n');
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Starts the emulators (acme/calculator from `fixture`), then the leader and the worker as child
 * processes with LOG_LEVEL=debug, and waits until both say they started.
 * @throws when a process exits or does not start within 90 s (everything started is stopped).
 */
export async function startSecurityWorld(options: SecurityWorldOptions): Promise<SecurityWorld> {
  const secrets = uniqueSecrets();
  const project = `SEC${alnum(4)
    .toUpperCase()
    .replace(/[^A-Z]/g, 'Q')}`;
  const stack = await startEmulatorStack({
    secrets: { jiraToken: secrets.JIRA_TOKEN, githubToken: secrets.GITHUB_TOKEN, openAiKey: secrets.OPENAI_API_KEY },
    repositories: { [`${OWNER}/${REPO}`]: options.fixture },
    jira: { projects: [{ key: project, name: `Security ${options.name}` }] },
  });
  const taskQueue = `security-${options.name}-${project}`;
  const [restPort, grpcPort, metricsPort] = [
    await freeLoopbackPort(),
    await freeLoopbackPort(),
    await freeLoopbackPort(),
  ];
  const env = {
    ...stack.env,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_NAMESPACE: options.temporalNamespace,
    TASK_QUEUE: taskQueue,
    JIRA_PROJECT_KEY: project,
    JIRA_POLL_INTERVAL: '300ms',
    API_TOKEN: secrets.API_TOKEN,
    LOG_LEVEL: 'debug',
    ...options.env,
  };
  const connection = await Connection.connect({ address: options.temporalAddress });
  const client = new Client({ connection, namespace: options.temporalNamespace });
  const leader = startServiceProcess('leader', { ...env, REST_PORT: String(restPort), GRPC_PORT: String(grpcPort) });
  const worker = startServiceProcess('worker', { ...env, METRICS_PORT: String(metricsPort) });
  const restUrl = `http://127.0.0.1:${restPort}`;

  let closed: Promise<void> | undefined;
  const stopServices = async () => {
    const [leaderCode, workerCode] = await Promise.all([leader.stop(), worker.stop()]);
    return { leader: leaderCode, worker: workerCode };
  };
  const close = () => {
    closed ??= (async () => {
      await stopServices();
      for await (const run of client.workflow.list({
        query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`,
      })) {
        await client.workflow
          .getHandle(run.workflowId, run.runId)
          .terminate('security test finished')
          .catch(() => undefined);
      }
      await connection.close();
      await stack.close();
    })();
    return closed;
  };

  try {
    await Promise.all([
      leader.waitForLog('the leader to start', (l) => l.msg === 'leader started'),
      worker.waitForLog('the worker to start', (l) => l.msg === 'worker started'),
    ]);
  } catch (err) {
    await close();
    throw err;
  }

  const rest: SecurityWorld['rest'] = async (method, url, restOptions = {}) => {
    const response = await fetch(`${restUrl}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${restOptions.token ?? secrets.API_TOKEN}`,
        ...(restOptions.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(restOptions.body === undefined ? {} : { body: JSON.stringify(restOptions.body) }),
    });
    const text = await response.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json };
  };

  return {
    stack,
    secrets,
    secretValues: Object.values(secrets),
    project,
    taskQueue,
    leader,
    worker,
    restUrl,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    client,
    seed(summary, description) {
      return stack.jira.seedIssue({
        summary,
        description,
        status: READY,
        projectKey: project,
        repository: `${OWNER}/${REPO}`,
      });
    },
    rest,
    waitForRunEnd(key, timeoutMs = 150_000) {
      return waitFor(
        `the run of ${key} to end`,
        async () => {
          const answer = await rest('GET', `/api/v1/workflows/khitomer-${key}`);
          const status = answer.json?.status;
          return answer.status === 200 && typeof status === 'string' && status !== 'RUNNING' ? answer.json : undefined;
        },
        timeoutMs,
      );
    },
    stopServices,
    close,
  };
}
