/**
 * Hand-written fakes of the leader's dependencies for unit tests (dependency injection, no module
 * mocks). They keep just enough state to observe decisions: comments with markers, starts,
 * signals. Not used by production code.
 */
import type { ImplementationPlan, RepositoryRef, WorkflowStatus } from '@khitomer/contracts';
import {
  type AdfDocument,
  type CodeHost,
  IntegrationError,
  type IssueTracker,
  type RepositoryInfo,
  type SearchOptions,
  type TrackerComment,
  type TrackerField,
  type TrackerIssue,
} from '@khitomer/integrations';
import { createLogger, type Logger } from '@khitomer/observability';
import type { PlanInput, Planner, PlanOutcome } from '../planning/planner.js';
import type { RunStatus } from '../service/types.js';
import type { ImplementationRuns, RunInfo, RunOutcome, RunPage, StartedRun } from '../temporal/implementation-runs.js';
import { RunAlreadyStartedError, RunNotFoundError } from '../temporal/run-errors.js';

/** The text of an ADF document, one line per block. */
export function adfPlainText(node: { text?: string; content?: unknown[]; type?: string }): string {
  if (typeof node.text === 'string') return node.text;
  const parts = (node.content ?? []).map((child) => adfPlainText(child as typeof node));
  return parts.join(node.type === 'doc' ? '\n' : '');
}

/** A logger that writes nothing. */
export function silentLogger(): Logger {
  return createLogger({ service: 'test', level: 'silent' });
}

/** A ticket with sensible defaults. */
export function makeIssue(overrides: Partial<TrackerIssue> & { key: string }): TrackerIssue {
  return {
    id: overrides.key.replace(/\D/g, '') || '1',
    projectKey: overrides.key.split('-')[0] ?? 'KHI',
    summary: `Summary of ${overrides.key}`,
    description: 'Do the thing.',
    status: 'Ready for Development',
    updated: '2030-01-01T00:00:00.000Z',
    created: '2030-01-01T00:00:00.000Z',
    statusChangedAt: '2030-01-01T00:00:00.000Z',
    fields: {},
    properties: {},
    parentKey: null,
    issueType: 'Task',
    ...overrides,
  };
}

/** A posted comment as the fake keeps it. */
export interface FakeComment extends TrackerComment {
  body: AdfDocument;
}

type Method = keyof IssueTracker;

/** In-memory Jira. `addComment` with a marker is idempotent, like the real adapter. */
export class FakeIssueTracker implements IssueTracker {
  readonly issues = new Map<string, TrackerIssue>();
  readonly comments = new Map<string, FakeComment[]>();
  /** `key|status` → ISO time the issue last entered that status. */
  readonly entered = new Map<string, string>();
  /** Issue key → issue properties (key → value), as set by `setIssueProperty`. */
  readonly issueProperties = new Map<string, Map<string, unknown>>();
  fields: TrackerField[] = [{ id: 'customfield_10050', name: 'Repository', custom: true }];
  readonly calls: { method: Method; args: unknown[] }[] = [];
  /** Errors thrown by the next calls of a method, in order. */
  readonly failures = new Map<Method, Error[]>();
  /** JQLs searched. */
  readonly searches: string[] = [];

  add(issue: TrackerIssue): this {
    this.issues.set(issue.key, issue);
    return this;
  }

  failNext(method: Method, ...errors: Error[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...errors]);
  }

  countCalls(method: Method): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  private record(method: Method, ...args: unknown[]): void {
    this.calls.push({ method, args });
    const error = this.failures.get(method)?.shift();
    if (error) throw error;
  }

  async ping(): Promise<void> {
    this.record('ping');
  }

  async listFields(): Promise<TrackerField[]> {
    this.record('listFields');
    return this.fields;
  }

  /**
   * Returns the issues whose status is quoted in the JQL (`status = "X"`), in insertion order,
   * with the requested issue properties that were set.
   */
  async searchIssues(jql: string, options?: SearchOptions): Promise<TrackerIssue[]> {
    this.record('searchIssues', jql, options);
    this.searches.push(jql);
    const status = /status = "([^"]+)"/.exec(jql)?.[1];
    return [...this.issues.values()]
      .filter((i) => status === undefined || i.status === status)
      .map((i) => {
        const stored = this.issueProperties.get(i.key) ?? new Map<string, unknown>();
        const properties = Object.fromEntries(
          (options?.properties ?? []).filter((k) => stored.has(k)).map((k) => [k, stored.get(k)]),
        );
        return { ...i, properties };
      });
  }

  async getIssue(key: string): Promise<TrackerIssue> {
    this.record('getIssue', key);
    const issue = this.issues.get(key);
    if (!issue) throw new IntegrationError('not_found', `issue ${key} not found`, { status: 404, system: 'jira' });
    return issue;
  }

  async addComment(key: string, body: AdfDocument, options: { marker?: string } = {}): Promise<{ id: string }> {
    this.record('addComment', key, body, options);
    const list = this.comments.get(key) ?? [];
    const existing = options.marker === undefined ? undefined : list.find((c) => c.marker === options.marker);
    if (existing) return { id: existing.id };
    const comment: FakeComment = {
      id: String(list.length + 1),
      text: adfPlainText(body),
      created: new Date().toISOString(),
      marker: options.marker ?? null,
      body,
    };
    list.push(comment);
    this.comments.set(key, list);
    return { id: comment.id };
  }

  async listComments(key: string): Promise<TrackerComment[]> {
    this.record('listComments', key);
    return [...(this.comments.get(key) ?? [])];
  }

  async transitionTo(key: string, statusName: string): Promise<boolean> {
    this.record('transitionTo', key, statusName);
    return false;
  }

  async addRemoteLink(key: string): Promise<void> {
    this.record('addRemoteLink', key);
  }

  async statusEnteredAt(key: string, statusName: string): Promise<string | null> {
    this.record('statusEnteredAt', key, statusName);
    return this.entered.get(`${key}|${statusName}`) ?? null;
  }

  async setIssueProperty(key: string, propertyKey: string, value: unknown): Promise<void> {
    this.record('setIssueProperty', key, propertyKey, value);
    const stored = this.issueProperties.get(key) ?? new Map<string, unknown>();
    stored.set(propertyKey, structuredClone(value));
    this.issueProperties.set(key, stored);
  }

  commentsOf(key: string): FakeComment[] {
    return this.comments.get(key) ?? [];
  }
}

/** In-memory GitHub: repositories by `owner/name`, with branches. */
export class FakeCodeHost implements CodeHost {
  readonly repositories = new Map<string, RepositoryInfo & { branches: string[] }>();
  readonly failures: Error[] = [];
  lookups = 0;

  addRepository(fullName: string, options: { archived?: boolean; branches?: string[] } = {}): this {
    this.repositories.set(fullName, {
      fullName,
      cloneUrl: `https://github.example/${fullName}.git`,
      defaultBranch: 'main',
      htmlUrl: `https://github.example/${fullName}`,
      archived: options.archived ?? false,
      branches: options.branches ?? ['main'],
    });
    return this;
  }

  async getRepository(repo: RepositoryRef): Promise<RepositoryInfo> {
    this.lookups++;
    const error = this.failures.shift();
    if (error) throw error;
    const found = this.repositories.get(`${repo.owner}/${repo.name}`);
    if (!found) throw new IntegrationError('not_found', 'repository not found', { status: 404, system: 'github' });
    return found;
  }

  async branchExists(repo: RepositoryRef, branch: string): Promise<boolean> {
    return this.repositories.get(`${repo.owner}/${repo.name}`)?.branches.includes(branch) ?? false;
  }

  async findOpenPullRequest(): Promise<null> {
    return null;
  }

  createPullRequest(): never {
    throw new Error('not used by the leader');
  }

  updatePullRequest(): never {
    throw new Error('not used by the leader');
  }
}

/** A plan every fake planning returns. */
export const SAMPLE_PLAN: ImplementationPlan = {
  summary: 'Change the thing.',
  steps: [{ title: 'Edit', details: 'Edit the file.', files: ['src/a.ts'] }],
  test_strategy: 'Run the tests.',
  risks: [],
};

/** A planner answering from a script: a plan, or an error to throw. */
export class FakePlanner implements Planner {
  readonly inputs: PlanInput[] = [];
  constructor(
    private readonly answer: (input: PlanInput) => PlanOutcome | Error = () => ({
      plan: SAMPLE_PLAN,
      tokensUsed: 321,
    }),
  ) {}

  async plan(input: PlanInput): Promise<PlanOutcome> {
    this.inputs.push(input);
    const answer = this.answer(input);
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

/** In-memory Temporal: runs per workflow id (latest last), signals and cancels recorded. */
export class FakeRuns implements ImplementationRuns {
  readonly runs = new Map<string, RunInfo[]>();
  readonly statuses = new Map<string, WorkflowStatus>();
  readonly outcomes = new Map<string, RunOutcome>();
  readonly started: Parameters<ImplementationRuns['start']>[0][] = [];
  readonly signals: { workflowId: string; signal: 'approve' | 'reject' | 'cancel'; reason?: string }[] = [];
  /** Thrown by every call while set (e.g. TemporalUnavailableError). */
  down: Error | undefined;
  /** Thrown once by the next start (e.g. RunAlreadyStartedError). */
  nextStartError: Error | undefined;
  now = () => new Date('2030-01-02T00:00:00.000Z');
  pages: RunPage[] = [];
  private counter = 0;

  /** Adds a run as it would exist in Temporal. */
  addRun(workflowId: string, status: RunStatus, startTime: Date, extra: Partial<RunInfo> = {}): RunInfo {
    const run: RunInfo = {
      workflowId,
      runId: `run-${++this.counter}`,
      status,
      startTime,
      closeTime: status === 'RUNNING' ? null : new Date(startTime.getTime() + 60_000),
      jiraIssueKey: workflowId.replace(/^khitomer-/, ''),
      repository: 'acme/app',
      ...extra,
    };
    this.runs.set(workflowId, [...(this.runs.get(workflowId) ?? []), run]);
    return run;
  }

  private check(): void {
    if (this.down) throw this.down;
  }

  async describe(workflowId: string): Promise<RunInfo | null> {
    this.check();
    return this.runs.get(workflowId)?.at(-1) ?? null;
  }

  async start(input: Parameters<ImplementationRuns['start']>[0]): Promise<StartedRun> {
    this.check();
    const workflowId = `khitomer-${input.jiraIssueKey}`;
    const error = this.nextStartError;
    this.nextStartError = undefined;
    if (error) throw error;
    if (this.runs.get(workflowId)?.at(-1)?.status === 'RUNNING') throw new RunAlreadyStartedError(workflowId);
    this.started.push(input);
    const run = this.addRun(workflowId, 'RUNNING', this.now(), {
      repository: `${input.repository.owner}/${input.repository.name}`,
    });
    return { workflowId, runId: run.runId };
  }

  async status(workflowId: string): Promise<WorkflowStatus | null> {
    this.check();
    return this.statuses.get(workflowId) ?? null;
  }

  async outcome(workflowId: string, runId: string): Promise<RunOutcome> {
    this.check();
    return this.outcomes.get(runId) ?? this.outcomes.get(workflowId) ?? { result: null, error: null };
  }

  private open(workflowId: string): RunInfo {
    const run = this.runs.get(workflowId)?.at(-1);
    if (run?.status !== 'RUNNING') throw new RunNotFoundError(workflowId);
    return run;
  }

  async approve(workflowId: string): Promise<void> {
    this.check();
    this.open(workflowId);
    this.signals.push({ workflowId, signal: 'approve' });
  }

  async reject(workflowId: string, reason: string): Promise<void> {
    this.check();
    this.open(workflowId);
    this.signals.push({ workflowId, signal: 'reject', reason });
  }

  async cancel(workflowId: string): Promise<void> {
    this.check();
    this.open(workflowId);
    this.signals.push({ workflowId, signal: 'cancel' });
  }

  async list(): Promise<RunPage> {
    this.check();
    return this.pages.shift() ?? { runs: [], nextPageToken: '' };
  }

  async ping(): Promise<void> {
    this.check();
  }
}

/** A `status` query answer with defaults. */
export function makeStatus(overrides: Partial<WorkflowStatus> = {}): WorkflowStatus {
  return {
    stage: 'implementing',
    jira_issue_key: 'KHI-1',
    repository: 'acme/app',
    branch: null,
    plan_summary: SAMPLE_PLAN.summary,
    agent_steps: 0,
    tokens_used: 0,
    test_result: null,
    pull_request_url: null,
    error: null,
    ...overrides,
  };
}
