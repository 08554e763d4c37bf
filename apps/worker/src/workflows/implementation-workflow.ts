/**
 * `ImplementationWorkflow` (PRODUCT.md §5): ticket + plan → fresh clone on one worker → baseline
 * tests → agent → final tests → commit + push → pull request → one final Jira comment.
 * Deterministic: see the rules at the top of `./index.ts`.
 */
import {
  approvePlanSignal,
  branchNameFor,
  FailureTypes,
  type ImplementationWorkflowInput,
  type ImplementationWorkflowResult,
  rejectPlanSignal,
  repositoryFullName,
  SEARCH_ATTRIBUTES,
  type Stage,
  statusQuery,
  type TestResult,
  type WorkflowTimeouts,
} from '@khitomer/contracts';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  externalCallOptions,
  type HostActivityName,
  hostActivityOptions,
  hostQueueLookupOptions,
  pullRequestCallOptions,
  resolveTimeouts,
} from './activity-options.js';
import type {
  CommitAndPushResult,
  HostActivities,
  ImplementChangesResult,
  PreparedWorkspace,
  SharedActivities,
  WorkspaceKey,
} from './activity-types.js';
import { classifyFailure, tokensFromDetails } from './failure-classification.js';
import { capPlan, capText, MAX_DESCRIPTION_CHARS, MAX_SHORT_TEXT_CHARS } from './history-limits.js';
import { RunState } from './run-state.js';

/** Default number of fresh-clone attempts. */
const DEFAULT_WORKSPACE_ATTEMPTS = 3;
/** Patch id of closing a PR opened while a cancel arrived (histories from before it never do). */
const WITHDRAW_PULL_REQUEST_PATCH = 'withdraw-pull-request-on-cancel';

/** What one successful attempt on a host produced. */
interface HostWork {
  prepared: PreparedWorkspace;
  baseline: TestResult;
  implementation: ImplementChangesResult;
  final: TestResult;
  commit: CommitAndPushResult;
}

/** Adds the search attributes the starter should have set (the leader does; a manual start may not). */
function ensureSearchAttributes(jiraIssueKey: string, repository: string): void {
  const current = workflowInfo().typedSearchAttributes;
  const wanted: SearchAttributeUpdatePair[] = [];
  const issueKey = { name: SEARCH_ATTRIBUTES.jiraIssueKey, type: 'KEYWORD' as const };
  const repo = { name: SEARCH_ATTRIBUTES.repository, type: 'KEYWORD' as const };
  if (current.get(issueKey) === undefined) wanted.push({ key: issueKey, value: jiraIssueKey });
  if (current.get(repo) === undefined) wanted.push({ key: repo, value: repository });
  if (wanted.length > 0) upsertSearchAttributes(wanted);
}

/** The clone-bound activities of one attempt, each with its own timeouts, on `hostQueue`. */
function hostActivities(hostQueue: string, t: WorkflowTimeouts, testTimeoutMs: number): HostActivities {
  const proxy = <K extends HostActivityName>(name: K): HostActivities[K] =>
    proxyActivities<HostActivities>(hostActivityOptions(name, hostQueue, t, testTimeoutMs))[name];
  return {
    prepareWorkspace: proxy('prepareWorkspace'),
    runTests: proxy('runTests'),
    implementChanges: proxy('implementChanges'),
    commitAndPush: proxy('commitAndPush'),
    cleanupWorkspace: proxy('cleanupWorkspace'),
  };
}

/**
 * Implements one Jira ticket as a pull request (PRODUCT.md §5). Workflow type
 * `ImplementationWorkflow`; id `khitomer-<KEY>`. Handles the `status` query and the
 * `approvePlan` / `rejectPlan` signals.
 *
 * @throws ApplicationFailure (non-retryable) typed with a {@link FailureTypes} name when the run
 *   fails — after a Jira comment saying why; rethrows the cancellation when cancelled — after
 *   removing the workspace and telling Jira. Never opens a PR after a cancel.
 */
export async function ImplementationWorkflow(
  input: ImplementationWorkflowInput,
): Promise<ImplementationWorkflowResult> {
  const info = workflowInfo();
  const { options } = input;
  const timeouts = resolveTimeouts(options.timeouts);
  const plan = capPlan(input.plan);
  const branch = branchNameFor(input.jiraIssueKey, input.summary);
  const repository = repositoryFullName(input.repository);
  const ids = { jiraIssueKey: input.jiraIssueKey, workflowId: info.workflowId, runId: info.runId };
  const state = new RunState(
    {
      jiraIssueKey: input.jiraIssueKey,
      repository,
      planSummary: plan.summary,
      planTokensUsed: options.planTokensUsed,
    },
    () => Date.now(),
  );
  const decision: { approved?: boolean; reason?: string } = {};

  setHandler(statusQuery, () => state.status());
  setHandler(approvePlanSignal, () => {
    decision.approved ??= true;
  });
  setHandler(rejectPlanSignal, (signal) => {
    if (decision.approved !== undefined) return;
    decision.approved = false;
    decision.reason = capText(String(signal?.reason ?? ''), MAX_SHORT_TEXT_CHARS);
  });
  ensureSearchAttributes(input.jiraIssueKey, repository);

  const publishStage = (): void => {
    setCurrentDetails(`**Stage:** ${state.stage} · **Ticket:** ${input.jiraIssueKey} · **Repository:** ${repository}`);
    upsertMemo({ stage: state.stage });
  };
  const enter = (stage: Stage): void => {
    if (state.enter(stage)) publishStage();
  };
  publishStage();

  const shared = proxyActivities<SharedActivities>(externalCallOptions(timeouts));
  const { getHostQueue } = proxyActivities<SharedActivities>(hostQueueLookupOptions(timeouts));
  const { openPullRequest } = proxyActivities<SharedActivities>(pullRequestCallOptions(timeouts));
  /** The PR this run created (not reused), once `openPullRequest` returned it. */
  let createdPullRequest: number | undefined;

  async function awaitApproval(): Promise<void> {
    enter('awaiting_approval');
    await shared.notifyJira({ ...ids, event: { kind: 'plan_posted', plan } });
    const decided = await condition(() => decision.approved !== undefined, options.approvalTimeoutMs);
    if (!decided) {
      throw ApplicationFailure.nonRetryable(
        `No plan approval arrived within ${Math.round(options.approvalTimeoutMs / 60_000)} minutes`,
        FailureTypes.ApprovalTimedOut,
      );
    }
    if (decision.approved === false) {
      throw ApplicationFailure.nonRetryable(
        `The plan was rejected: ${decision.reason || '(no reason given)'}`,
        FailureTypes.PlanRejected,
      );
    }
  }

  async function workOnHost(host: HostActivities, workspace: WorkspaceKey): Promise<HostWork> {
    const prepared = await host.prepareWorkspace({
      workspace,
      jiraIssueKey: input.jiraIssueKey,
      repository: input.repository,
      ...(input.baseBranch ? { baseBranch: input.baseBranch } : {}),
      branch,
    });
    state.branch = branch;
    const testInput = {
      workspace,
      jiraIssueKey: input.jiraIssueKey,
      timeoutMs: options.testTimeoutMs,
      ...(options.testCommand ? { testCommand: options.testCommand } : {}),
    };
    enter('baseline_tests');
    const baseline = await host.runTests({ ...testInput, phase: 'baseline' });
    state.testResult = baseline;

    enter('implementing');
    const implementation = await host.implementChanges({
      workspace,
      ticket: {
        key: input.jiraIssueKey,
        summary: capText(input.summary, MAX_SHORT_TEXT_CHARS),
        description: capText(input.description, MAX_DESCRIPTION_CHARS),
      },
      plan,
      maxSteps: options.agentMaxSteps,
      tokenBudget: options.agentMaxTokens,
      tokensAlreadyUsed: options.planTokensUsed,
      testTimeoutMs: options.testTimeoutMs,
      ...(options.testCommand ? { testCommand: options.testCommand } : {}),
    });
    state.agentSteps = implementation.steps;
    state.agentTokensUsed = implementation.tokensUsed;
    if (implementation.changedFiles.length === 0) {
      throw ApplicationFailure.nonRetryable(
        `The agent finished without changing any file (${capText(implementation.summary, 500)})`,
        FailureTypes.NoChanges,
      );
    }

    enter('testing');
    const final = await host.runTests({ ...testInput, phase: 'final' });
    state.testResult = final;

    enter('committing');
    const commit = await host.commitAndPush({
      workspace,
      jiraIssueKey: input.jiraIssueKey,
      summary: input.summary,
      planSummary: plan.summary,
      branch,
    });
    return { prepared, baseline, implementation, final, commit };
  }

  async function runAttempts(): Promise<HostWork> {
    const maxAttempts = Math.max(1, options.maxWorkspaceAttempts ?? DEFAULT_WORKSPACE_ATTEMPTS);
    for (let attempt = 1; ; attempt++) {
      enter('preparing_workspace');
      const workspace: WorkspaceKey = { workflowId: info.workflowId, runId: info.runId, attempt };
      // Waits (retrying HostBusy) until some worker has a free slot for this attempt.
      const hostQueue = await getHostQueue({ workspace });
      const host = hostActivities(hostQueue, timeouts, options.testTimeoutMs);
      let hostGone = false;
      try {
        return await workOnHost(host, workspace);
      } catch (err) {
        const verdict = classifyFailure(err, isCancellation(err));
        if (verdict.kind === 'host_lost') hostGone = true;
        if ((verdict.kind === 'host_lost' || verdict.kind === 'attempt_failed') && attempt < maxAttempts) {
          log.warn('workspace attempt failed; starting over from a fresh clone', {
            attempt,
            hostQueue,
            reason: verdict.message,
          });
          state.agentSteps = 0;
          state.agentTokensUsed = 0;
          continue;
        }
        if (verdict.kind === 'host_lost') {
          throw ApplicationFailure.nonRetryable(
            `${verdict.message}; gave up after ${attempt} workspace attempts`,
            FailureTypes.HostLost,
          );
        }
        throw err;
      } finally {
        // A lost host cannot be reached; its folder dies with it (or with its disk).
        if (!hostGone) {
          await CancellationScope.nonCancellable(() => host.cleanupWorkspace({ workspace })).catch((err: unknown) =>
            log.warn('workspace cleanup failed', { attempt, error: String(err) }),
          );
        }
      }
    }
  }

  try {
    if (options.planApprovalRequired) await awaitApproval();
    await shared.notifyJira({ ...ids, event: { kind: 'started', branch } });
    const work = await runAttempts();
    const draft = !work.final.passed || work.commit.tamperingWarnings.length > 0;

    enter('opening_pull_request');
    const pullRequest = await openPullRequest({
      jiraIssueKey: input.jiraIssueKey,
      summary: input.summary,
      jiraUrl: `${options.jiraBaseUrl.replace(/\/+$/, '')}/browse/${input.jiraIssueKey}`,
      workflowId: info.workflowId,
      repository: input.repository,
      branch,
      baseBranch: work.prepared.baseBranch,
      draft,
      plan,
      agentSummary: capText(work.implementation.summary, MAX_SHORT_TEXT_CHARS),
      changedFiles: work.commit.changedFiles,
      baselineTests: work.baseline,
      finalTests: work.final,
      tamperingWarnings: work.commit.tamperingWarnings,
      planTokensUsed: options.planTokensUsed,
      agentTokensUsed: work.implementation.tokensUsed,
    });
    state.pullRequestUrl = pullRequest.url;
    if (!pullRequest.reused) createdPullRequest = pullRequest.number;

    enter('updating_jira');
    await shared.updateJira({
      ...ids,
      repository: input.repository,
      summary: input.summary,
      pullRequest,
      baselineTests: work.baseline,
      finalTests: work.final,
      tamperingWarnings: work.commit.tamperingWarnings,
      tokensUsed: state.tokensUsed,
    });
    enter('completed');
    return {
      pullRequestUrl: pullRequest.url,
      pullRequestNumber: pullRequest.number,
      draft: pullRequest.draft,
      branch,
      baselineTests: work.baseline,
      finalTests: work.final,
      tokensUsed: state.tokensUsed,
      agentSteps: state.agentSteps,
      stageTimings: state.stageTimings(),
    };
  } catch (err) {
    const verdict = classifyFailure(err, isCancellation(err));
    if (verdict.kind === 'cancelled') {
      state.error = 'cancelled';
      enter('cancelled');
      // The cancel arrived while the PR was being opened (that call was let finish): no PR may
      // stay open after a cancel.
      if (createdPullRequest !== undefined && patched(WITHDRAW_PULL_REQUEST_PATCH)) {
        const pullRequestNumber = createdPullRequest;
        await CancellationScope.nonCancellable(() =>
          shared.withdrawPullRequest({
            jiraIssueKey: input.jiraIssueKey,
            repository: input.repository,
            pullRequestNumber,
          }),
        ).catch((withdrawErr: unknown) =>
          log.warn('could not close the pull request opened as the cancel arrived', { error: String(withdrawErr) }),
        );
      }
      await CancellationScope.nonCancellable(() => shared.notifyJira({ ...ids, event: { kind: 'cancelled' } })).catch(
        (notifyErr: unknown) => log.warn('could not tell Jira about the cancel', { error: String(notifyErr) }),
      );
      throw err;
    }
    const type = verdict.kind === 'fatal' || verdict.kind === 'attempt_failed' ? verdict.type : FailureTypes.HostLost;
    const message = capText(verdict.message, MAX_SHORT_TEXT_CHARS);
    if (verdict.kind === 'fatal') {
      const total = tokensFromDetails(verdict.details);
      if (total !== undefined) state.agentTokensUsed = Math.max(0, total - options.planTokensUsed);
    }
    state.error = message;
    enter('failed');
    await CancellationScope.nonCancellable(() =>
      shared.notifyJira({
        ...ids,
        event: { kind: 'failed', failureType: type, reason: message, tokensUsed: state.tokensUsed },
      }),
    ).catch((notifyErr: unknown) => log.warn('could not tell Jira about the failure', { error: String(notifyErr) }));
    throw ApplicationFailure.nonRetryable(message, type);
  }
}
