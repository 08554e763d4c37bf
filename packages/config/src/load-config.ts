import os from 'node:os';
import path from 'node:path';
import { EXAMPLES, environmentSchema, SECRET_VARIABLES } from './schema.js';

/** Which process reads the configuration; decides which variables are required. */
export type Role = 'leader' | 'worker';

/** Validated, frozen configuration. Each component receives only its slice. */
export interface KhitomerConfig {
  readonly role: Role;
  readonly temporal: { readonly address: string; readonly namespace: string; readonly taskQueue: string };
  readonly jira: {
    readonly baseUrl: string;
    readonly username: string;
    readonly token: string;
    /** Required for the leader; absent on workers that do not poll. */
    readonly projectKey: string | undefined;
    readonly customField: string;
    readonly statusFilter: string;
    readonly pollIntervalMs: number;
    readonly inProgressStatus: string;
    readonly reviewStatus: string;
  };
  readonly github: { readonly token: string; readonly apiUrl: string };
  readonly llm: { readonly apiKey: string; readonly model: string; readonly baseUrl: string | undefined };
  readonly workspaceDir: string;
  readonly rest: { readonly port: number };
  readonly grpc: { readonly port: number };
  readonly metrics: { readonly port: number };
  /** Interface the leader's REST/gRPC and the worker's /metrics bind to (LISTEN_HOST). */
  readonly listenHost: string;
  readonly worker: { readonly concurrency: number };
  /** When set, REST and gRPC require `Authorization: Bearer <apiToken>`. */
  readonly apiToken: string | undefined;
  readonly planApproval: 'off' | 'required';
  readonly tests: { readonly command: string | undefined; readonly timeoutMs: number };
  readonly agent: { readonly maxSteps: number; readonly maxTokens: number };
  readonly git: { readonly authorName: string; readonly authorEmail: string };
  readonly logLevel: string;
  /** Every configured secret value, for redaction by value. */
  readonly secretValues: readonly string[];
}

/** One thing wrong with the environment. Never contains a secret value. */
export interface ConfigProblem {
  name: string;
  message: string;
  example: string;
}

/** Thrown by {@link loadConfig} with every problem found, not just the first. Not retryable. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function formatProblems(problems: ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.name} ${p.message} (example: ${p.name}=${p.example})`);
  return [
    `Invalid configuration: ${problems.length} problem${problems.length === 1 ? '' : 's'}.`,
    ...lines,
    'Set these in the environment or in a .env file (see .env.example).',
  ].join('\n');
}

const ROLE_REQUIRED: Record<Role, readonly string[]> = {
  leader: ['JIRA_PROJECT_KEY'],
  worker: [],
};

/**
 * Validates `env` (PRODUCT.md §3) once and returns a frozen, typed configuration.
 * Empty values count as unset. Secret values never appear in errors.
 * @throws {ConfigError} listing every problem (name, what is wrong, an example); not retryable.
 */
export function loadConfig(env: Record<string, string | undefined>, role: Role): KhitomerConfig {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') cleaned[key] = value;
  }
  const parsed = environmentSchema.safeParse(cleaned);
  const problems: ConfigProblem[] = [];
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '(environment)');
      if (seen.has(name)) continue;
      seen.add(name);
      problems.push({ name, message: issue.message, example: EXAMPLES[name] ?? '…' });
    }
  }
  for (const name of ROLE_REQUIRED[role]) {
    if (cleaned[name] === undefined && !problems.some((p) => p.name === name)) {
      problems.push({ name, message: `is required for the ${role}`, example: EXAMPLES[name] ?? '…' });
    }
  }
  const restPort = Number(cleaned.REST_PORT ?? 8080);
  if (Number.isInteger(restPort) && restPort === Number(cleaned.GRPC_PORT ?? 9090)) {
    problems.push({ name: 'GRPC_PORT', message: 'must differ from REST_PORT', example: EXAMPLES.GRPC_PORT ?? '9090' });
  }
  if (problems.length > 0 || !parsed.success) {
    problems.sort((a, b) => a.name.localeCompare(b.name));
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const secretValues = SECRET_VARIABLES.map((name) => e[name]).filter(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
  const config: KhitomerConfig = {
    role,
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TASK_QUEUE },
    jira: {
      baseUrl: e.JIRA_BASE_URL,
      username: e.JIRA_USERNAME,
      token: e.JIRA_TOKEN,
      projectKey: e.JIRA_PROJECT_KEY,
      customField: e.JIRA_CUSTOM_FIELD,
      statusFilter: e.JIRA_STATUS_FILTER,
      pollIntervalMs: e.JIRA_POLL_INTERVAL,
      inProgressStatus: e.JIRA_IN_PROGRESS_STATUS,
      reviewStatus: e.JIRA_REVIEW_STATUS,
    },
    github: { token: e.GITHUB_TOKEN, apiUrl: e.GITHUB_API_URL },
    llm: { apiKey: e.OPENAI_API_KEY, model: e.OPENAI_MODEL, baseUrl: e.OPENAI_BASE_URL },
    workspaceDir: e.WORKSPACE_DIR ?? path.join(os.tmpdir(), 'khitomer-workspace'),
    rest: { port: e.REST_PORT },
    grpc: { port: e.GRPC_PORT },
    metrics: { port: e.METRICS_PORT },
    listenHost: e.LISTEN_HOST,
    worker: { concurrency: e.WORKER_CONCURRENCY },
    apiToken: e.API_TOKEN,
    planApproval: e.PLAN_APPROVAL,
    tests: { command: e.TEST_COMMAND, timeoutMs: e.TEST_TIMEOUT },
    agent: { maxSteps: e.AGENT_MAX_STEPS, maxTokens: e.AGENT_MAX_TOKENS },
    git: { authorName: e.GIT_AUTHOR_NAME, authorEmail: e.GIT_AUTHOR_EMAIL },
    logLevel: e.LOG_LEVEL,
    secretValues,
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
