/**
 * Bookkeeping of one run: the current stage, stage timings and the fields of the `status` query.
 * Pure (the clock is injected; in the workflow it is the deterministic workflow clock).
 */
import type { Stage, TestResult, WorkflowStatus } from '@khitomer/contracts';

/** What a run starts with. */
export interface RunStateInit {
  jiraIssueKey: string;
  /** `owner/name`. */
  repository: string;
  planSummary: string;
  /** Tokens spent on planning (counted in `tokens_used`). */
  planTokensUsed: number;
}

/** Stages after which nothing changes any more. */
const TERMINAL: readonly Stage[] = ['completed', 'failed', 'cancelled'];

/** Mutable state of a run with a pure, serialisable {@link RunState.status} view. */
export class RunState {
  private current: Stage = 'starting';
  private since: number;
  private readonly timings: Record<string, number> = {};
  private readonly seen: Stage[] = ['starting'];
  branch: string | null = null;
  agentSteps = 0;
  agentTokensUsed = 0;
  testResult: TestResult | null = null;
  pullRequestUrl: string | null = null;
  error: string | null = null;

  constructor(
    private readonly init: RunStateInit,
    private readonly now: () => number,
  ) {
    this.since = now();
  }

  /** The current stage. */
  get stage(): Stage {
    return this.current;
  }

  /** Stages entered so far, in order (repeats when an attempt starts over). */
  get history(): readonly Stage[] {
    return this.seen;
  }

  /** Plan + agent tokens. */
  get tokensUsed(): number {
    return this.init.planTokensUsed + this.agentTokensUsed;
  }

  /**
   * Enters `stage`, adding the time spent in the previous stage to its timing. Returns false (and
   * changes nothing) once a terminal stage was reached, or when `stage` is the current one.
   */
  enter(stage: Stage): boolean {
    if (TERMINAL.includes(this.current) || stage === this.current) return false;
    this.closeCurrent();
    this.current = stage;
    this.seen.push(stage);
    return true;
  }

  /** Milliseconds spent per stage so far (the current stage included up to now). */
  stageTimings(): Record<string, number> {
    const out = { ...this.timings };
    if (!TERMINAL.includes(this.current)) {
      out[this.current] = (out[this.current] ?? 0) + Math.max(0, this.now() - this.since);
    }
    return out;
  }

  /** The `status` query answer (PRODUCT.md §5.2). */
  status(): WorkflowStatus {
    return {
      stage: this.current,
      jira_issue_key: this.init.jiraIssueKey,
      repository: this.init.repository,
      branch: this.branch,
      plan_summary: this.init.planSummary,
      agent_steps: this.agentSteps,
      tokens_used: this.tokensUsed,
      test_result: this.testResult,
      pull_request_url: this.pullRequestUrl,
      error: this.error,
    };
  }

  private closeCurrent(): void {
    const at = this.now();
    this.timings[this.current] = (this.timings[this.current] ?? 0) + Math.max(0, at - this.since);
    this.since = at;
  }
}
