import { isIP } from 'node:net';
import { z } from 'zod';
import { parseDuration } from './duration.js';

/** Variables whose values are secrets: never printed, redacted from logs by value. */
export const SECRET_VARIABLES = ['JIRA_TOKEN', 'GITHUB_TOKEN', 'OPENAI_API_KEY', 'API_TOKEN'] as const;

/** An example of a good value for each variable, used in error messages. */
export const EXAMPLES: Record<string, string> = {
  TEMPORAL_ADDRESS: 'localhost:7233',
  TEMPORAL_NAMESPACE: 'default',
  TASK_QUEUE: 'implementation-queue',
  JIRA_BASE_URL: 'https://acme.atlassian.net',
  JIRA_USERNAME: 'bot@acme.com',
  JIRA_TOKEN: 'an Atlassian API token',
  JIRA_PROJECT_KEY: 'PAY',
  JIRA_CUSTOM_FIELD: 'Repository or customfield_10050',
  JIRA_STATUS_FILTER: 'Ready for Development',
  JIRA_POLL_INTERVAL: '5m',
  JIRA_IN_PROGRESS_STATUS: 'In Progress',
  JIRA_REVIEW_STATUS: 'In Review',
  GITHUB_TOKEN: 'a GitHub token with repo scope',
  GITHUB_API_URL: 'https://api.github.com',
  WORKSPACE_DIR: '/var/lib/khitomer/workspace',
  OPENAI_API_KEY: 'an OpenAI API key',
  OPENAI_MODEL: 'gpt-4.1',
  OPENAI_BASE_URL: 'https://api.openai.com/v1',
  REST_PORT: '8080',
  GRPC_PORT: '9090',
  METRICS_PORT: '9464',
  LISTEN_HOST: '0.0.0.0 (all interfaces) or 127.0.0.1',
  WORKER_CONCURRENCY: '4',
  API_TOKEN: 'a long random string',
  PLAN_APPROVAL: 'off',
  TEST_COMMAND: 'npm test',
  TEST_TIMEOUT: '10m',
  AGENT_MAX_STEPS: '40',
  AGENT_MAX_TOKENS: '400000',
  GIT_AUTHOR_NAME: 'Khitomer',
  GIT_AUTHOR_EMAIL: 'khitomer@users.noreply.github.com',
  LOG_LEVEL: 'info',
};

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const requiredText = z.string({ error: 'is required' }).trim().min(1, { error: 'is required' });

const httpUrl = z
  .string({ error: 'is required' })
  .trim()
  .min(1, { error: 'is required' })
  .refine(
    (v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
      } catch {
        return false;
      }
    },
    { error: 'must be an http(s) URL without credentials in it' },
  )
  .transform((v) => v.replace(/\/+$/, ''));

const duration = z.string().transform((v, ctx) => {
  try {
    const ms = parseDuration(v);
    if (ms <= 0) throw new Error('must be greater than zero');
    return ms;
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
    return z.NEVER;
  }
});

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be between 1 and 65535' })
  .max(65535, { error: 'must be between 1 and 65535' });

const positiveInt = (max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(max, { error: `must be at most ${max}` });

/** The environment schema: every variable of PRODUCT.md §3 (plus worker metrics/concurrency and the listen host). */
export const environmentSchema = z.object({
  TEMPORAL_ADDRESS: z.string().trim().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TASK_QUEUE: z.string().trim().min(1).default('implementation-queue'),
  JIRA_BASE_URL: httpUrl,
  JIRA_USERNAME: requiredText,
  JIRA_TOKEN: requiredText,
  JIRA_PROJECT_KEY: optionalText.refine((v) => v === undefined || /^[A-Z][A-Z0-9_]+$/.test(v), {
    error: 'must be a Jira project key: capital letters, digits and _ starting with a letter',
  }),
  JIRA_CUSTOM_FIELD: z.string().trim().min(1).default('Repository'),
  JIRA_STATUS_FILTER: z.string().trim().min(1).default('Ready for Development'),
  JIRA_POLL_INTERVAL: duration.default(parseDuration('5m')),
  JIRA_IN_PROGRESS_STATUS: z.string().trim().min(1).default('In Progress'),
  JIRA_REVIEW_STATUS: z.string().trim().min(1).default('In Review'),
  GITHUB_TOKEN: requiredText,
  GITHUB_API_URL: httpUrl.default('https://api.github.com'),
  WORKSPACE_DIR: optionalText,
  OPENAI_API_KEY: requiredText,
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4.1'),
  OPENAI_BASE_URL: httpUrl.optional(),
  REST_PORT: port.default(8080),
  GRPC_PORT: port.default(9090),
  METRICS_PORT: port.default(9464),
  LISTEN_HOST: z
    .string()
    .trim()
    .min(1)
    .refine((v) => isIP(v) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(v), {
      error: 'must be an IP address or a host name to bind to',
    })
    .default('0.0.0.0'),
  WORKER_CONCURRENCY: positiveInt(64).default(4),
  API_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 16, {
    error: 'must be at least 16 characters when set',
  }),
  PLAN_APPROVAL: z.enum(['off', 'required'], { error: 'must be "off" or "required"' }).default('off'),
  TEST_COMMAND: optionalText,
  TEST_TIMEOUT: duration.default(parseDuration('10m')),
  AGENT_MAX_STEPS: positiveInt(1000).default(40),
  AGENT_MAX_TOKENS: positiveInt(100_000_000).default(400_000),
  GIT_AUTHOR_NAME: z.string().trim().min(1).default('Khitomer'),
  GIT_AUTHOR_EMAIL: z
    .string()
    .trim()
    .regex(/^[^\s@<>]+@[^\s@<>]+$/, { error: 'must be an e-mail address' })
    .default('khitomer@users.noreply.github.com'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

/** The parsed environment. */
export type Environment = z.infer<typeof environmentSchema>;
