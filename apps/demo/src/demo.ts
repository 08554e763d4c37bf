import { loadConfig } from '@khitomer/config';
import { statusQuery, type WorkflowStatus, workflowIdFor } from '@khitomer/contracts';
import { startLeader } from '@khitomer/leader';
import { createLogger } from '@khitomer/observability';
import { freeLoopbackPort } from '@khitomer/testkit';
import { CALCULATOR_TICKET, calculatorFixScenario } from '@khitomer/testkit/scenarios';
import { startEmulatorStack } from '@khitomer/testkit/stack';
import { startDevServer } from '@khitomer/testkit/temporal';
import { startWorkerRuntime } from '@khitomer/worker';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** The caller's environment: TEMPORAL_CLI_PATH / PATH for the dev server, OPENAI_* for a real model. */
  env: Record<string, string | undefined>;
  /** Writes one line of output. */
  out: (line: string) => void;
  /** Stop once the ticket's run has ended (tests, CI); otherwise wait for `stop`. */
  once: boolean;
  /** Aborted on Ctrl-C: the demo shuts everything down and returns. */
  stop: AbortSignal;
}

/** What the demo produced. */
export interface DemoResult {
  jiraIssueKey: string;
  workflowId: string;
  status: string;
  pullRequestUrl: string | null;
}

const POLL_MS = 300;

/**
 * Runs the whole product locally with no credentials and no Docker: a Temporal dev server with its
 * Web UI, the Jira/GitHub/OpenAI emulators seeded with the calculator repository and a ready
 * ticket, the real leader and a real worker. Prints the run stage by stage, then the pull request,
 * its diff summary, the Jira comment and the Temporal UI link. Cleans up everything it started.
 * @throws when a component cannot start (e.g. no Temporal CLI offline); cleanup still runs.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { out } = options;
  const cleanups: (() => Promise<unknown>)[] = [];
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  try {
    out('Khitomer demo: a Jira ticket becomes a pull request.');
    out(`${elapsed()}  starting the Temporal dev server (with Web UI)…`);
    const uiPort = await freeLoopbackPort();
    const temporal = await startDevServer({ env: options.env, ui: true, uiPort });
    cleanups.push(() => temporal.stop());
    out(`${elapsed()}  Temporal at ${temporal.address}, Web UI at ${temporal.uiUrl}`);

    const stack = await startEmulatorStack();
    cleanups.push(() => stack.close());
    const realModel = Boolean(options.env.OPENAI_API_KEY);
    const jiraIssueKey = stack.jira.seedIssue({
      summary: CALCULATOR_TICKET.summary,
      description: CALCULATOR_TICKET.description,
      status: 'Ready for Development',
      repository: 'acme/calculator',
    });
    if (!realModel) stack.llm.addScenario(jiraIssueKey, calculatorFixScenario());
    out(
      `${elapsed()}  emulators up: Jira ${stack.jira.url}, GitHub ${stack.github.url}, LLM ${realModel ? 'real OpenAI model' : stack.llm.url}`,
    );
    out(
      `${elapsed()}  seeded ${jiraIssueKey} "${CALCULATOR_TICKET.summary}" (Ready for Development) on repository acme/calculator`,
    );

    const env: Record<string, string | undefined> = {
      ...stack.env,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TASK_QUEUE: 'khitomer-demo',
      REST_PORT: String(await freeLoopbackPort()),
      GRPC_PORT: String(await freeLoopbackPort()),
      METRICS_PORT: String(await freeLoopbackPort()),
      JIRA_POLL_INTERVAL: '1s',
      LOG_LEVEL: options.env.LOG_LEVEL ?? 'error',
      ...(realModel
        ? {
            OPENAI_API_KEY: options.env.OPENAI_API_KEY,
            OPENAI_BASE_URL: options.env.OPENAI_BASE_URL,
            OPENAI_MODEL: options.env.OPENAI_MODEL ?? 'gpt-4.1',
          }
        : {}),
    };
    const workerConfig = loadConfig(env, 'worker');
    const leaderConfig = loadConfig(env, 'leader');
    const logger = createLogger({
      service: 'demo',
      level: workerConfig.logLevel,
      secrets: workerConfig.secretValues,
      destination: process.stderr,
    });

    const worker = await startWorkerRuntime({ config: workerConfig, logger: logger.child({ service: 'worker' }) });
    cleanups.push(() => worker.shutdown());
    out(`${elapsed()}  worker polling ${workerConfig.temporal.taskQueue} and its own queue ${worker.hostQueue}`);
    const leader = await startLeader({ config: leaderConfig, logger: logger.child({ service: 'leader' }) });
    cleanups.push(() => leader.stop());
    out(`${elapsed()}  leader polling Jira every 1s; REST ${leader.restUrl}, gRPC ${leader.grpcAddress}`);

    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: temporal.namespace });
    const workflowId = workflowIdFor(jiraIssueKey);
    const handle = client.workflow.getHandle(workflowId);

    let lastStage = '';
    let closedStatus: string | undefined;
    while (!options.stop.aborted && closedStatus === undefined) {
      try {
        const description = await handle.describe();
        if (description.status.name !== 'RUNNING') closedStatus = description.status.name;
        const status = await handle.query(statusQuery).catch(() => undefined as WorkflowStatus | undefined);
        if (status && status.stage !== lastStage) {
          lastStage = status.stage;
          out(`${elapsed()}  ${workflowId}: ${describeStage(status)}`);
        }
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
      if (closedStatus === undefined) await sleep(POLL_MS, options.stop);
    }
    if (closedStatus === undefined) {
      out('stopped before the run ended');
      return { jiraIssueKey, workflowId, status: 'STOPPED', pullRequestUrl: null };
    }

    out('');
    out(`Run ${workflowId} ended: ${closedStatus}`);
    const pulls = stack.github.pulls('acme', 'calculator');
    const pull = pulls[0];
    if (pull) {
      const diff = await stack.github.pullDiff('acme', 'calculator', pull.number);
      out(`Pull request: ${pull.htmlUrl}${pull.draft ? ' (draft)' : ''}`);
      out(`  title: ${pull.title}`);
      out(`  branch: ${pull.head} → ${pull.base}`);
      out('  diff:');
      for (const line of diffSummary(diff)) out(`    ${line}`);
    } else {
      out('No pull request was opened.');
    }
    const comments = stack.jira.comments(jiraIssueKey);
    const last = comments.at(-1);
    out(`Jira ${jiraIssueKey} is now "${stack.jira.getIssue(jiraIssueKey).status}"; last comment:`);
    for (const line of (last?.text ?? '(none)').split('\n')) out(`  | ${line}`);
    out(`Temporal UI: ${temporal.uiUrl}/namespaces/${temporal.namespace}/workflows/${workflowId}`);

    if (!options.once && !options.stop.aborted) {
      out('');
      out('Everything is still running so you can look around (Temporal UI above). Press Ctrl-C to stop.');
      await new Promise<void>((resolve) => options.stop.addEventListener('abort', () => resolve(), { once: true }));
    }
    return { jiraIssueKey, workflowId, status: closedStatus, pullRequestUrl: pull?.htmlUrl ?? null };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch(() => undefined);
    }
  }
}

function describeStage(status: WorkflowStatus): string {
  const parts = [`stage ${status.stage}`];
  if (status.branch) parts.push(`branch ${status.branch}`);
  if (status.agent_steps) parts.push(`${status.agent_steps} agent steps`);
  if (status.tokens_used) parts.push(`${status.tokens_used} tokens`);
  if (status.test_result) parts.push(`tests ${status.test_result.passed ? 'passing' : 'failing'}`);
  if (status.pull_request_url) parts.push(status.pull_request_url);
  if (status.error) parts.push(`error: ${status.error}`);
  return parts.join(', ');
}

/** `file | +N -M` per changed file, then the changed lines themselves (capped). */
export function diffSummary(diff: string, maxLines = 30): string[] {
  const files: { name: string; added: number; removed: number }[] = [];
  const changed: string[] = [];
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      files.push({ name: line.replace(/^diff --git a\/(\S+) b\/.*$/, '$1'), added: 0, removed: 0 });
    } else if (line.startsWith('+') && !line.startsWith('+++')) {
      const file = files.at(-1);
      if (file) file.added++;
      changed.push(line);
    } else if (line.startsWith('-') && !line.startsWith('---')) {
      const file = files.at(-1);
      if (file) file.removed++;
      changed.push(line);
    }
  }
  const summary = files.map((f) => `${f.name} | +${f.added} -${f.removed}`);
  const shown = changed.slice(0, maxLines);
  if (changed.length > shown.length) shown.push(`… ${changed.length - shown.length} more changed lines`);
  return [...summary, ...shown];
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
