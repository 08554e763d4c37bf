/**
 * The leader's gateway to Temporal for `ImplementationWorkflow` runs: start, describe, query,
 * signal, cancel, read outcomes and list from visibility. Every call has a deadline, so an
 * unreachable Temporal surfaces quickly as {@link TemporalUnavailableError} instead of hanging.
 */

import { createHash } from 'node:crypto';
import {
  approvePlanSignal,
  IMPLEMENTATION_WORKFLOW_TYPE,
  type ImplementationWorkflowInput,
  type ImplementationWorkflowResult,
  rejectPlanSignal,
  repositoryFullName,
  SEARCH_ATTRIBUTES,
  statusQuery,
  type WorkflowStatus,
  workflowIdFor,
} from '@khitomer/contracts';
import { type Client, type RawWorkflowExecutionInfo, WorkflowFailedError } from '@temporalio/client';
import { defaultPayloadConverter, defineSearchAttributeKey, type Payload } from '@temporalio/common';
import type { RunStatus } from '../service/types.js';
import { InvalidRunListRequestError, RunNotFoundError, translateTemporalError } from './run-errors.js';

/** What the leader knows about one run from Temporal (describe or visibility). */
export interface RunInfo {
  workflowId: string;
  runId: string;
  status: RunStatus;
  startTime: Date;
  /** Null while running. */
  closeTime: Date | null;
  /** `JiraIssueKey` search attribute; null when absent. */
  jiraIssueKey: string | null;
  /** `Repository` search attribute (`owner/name`); null when absent. */
  repository: string | null;
}

/** A page of runs from visibility. */
export interface RunPage {
  runs: RunInfo[];
  /** Opaque (base64url); empty when there is no further page. */
  nextPageToken: string;
}

/** How a closed run ended. */
export interface RunOutcome {
  /** The workflow's result when it completed. */
  result: ImplementationWorkflowResult | null;
  /** A one-line reason when it failed, was cancelled, terminated or timed out. */
  error: string | null;
}

/** Ids of a started run. */
export interface StartedRun {
  workflowId: string;
  runId: string;
}

/**
 * Operations on runs. Every method throws `TemporalUnavailableError` (retryable later) when
 * Temporal cannot be reached within the deadline; other failures are described per method.
 */
export interface ImplementationRuns {
  /** The latest run of `workflowId`, or null when there never was one. */
  describe(workflowId: string): Promise<RunInfo | null>;
  /**
   * Starts `ImplementationWorkflow` for `input` with id `khitomer-<KEY>` and the `JiraIssueKey` /
   * `Repository` search attributes. A closed earlier run does not prevent the start.
   * @throws {RunAlreadyStartedError} when a run with that id is open (another leader won); not retryable.
   */
  start(input: ImplementationWorkflowInput): Promise<StartedRun>;
  /**
   * The `status` query of a run (latest when `runId` is absent), or null when it could not be
   * answered in time (no worker polling, query failed). Never throws for those.
   */
  status(workflowId: string, runId?: string): Promise<WorkflowStatus | null>;
  /** How the closed run `runId` ended. @throws {RunNotFoundError} when unknown. */
  outcome(workflowId: string, runId: string): Promise<RunOutcome>;
  /** Sends `approvePlan` to the open run. Idempotent. @throws {RunNotFoundError} when none is open. */
  approve(workflowId: string): Promise<void>;
  /** Sends `rejectPlan` with `reason` to the open run. @throws {RunNotFoundError} when none is open. */
  reject(workflowId: string, reason: string): Promise<void>;
  /** Requests cancellation of the open run. Idempotent. @throws {RunNotFoundError} when none is open. */
  cancel(workflowId: string): Promise<void>;
  /**
   * One page of `ImplementationWorkflow` runs from visibility, newest first (eventually consistent).
   * @throws {InvalidRunListRequestError} for a page token this gateway did not issue; not retryable.
   */
  list(options: { pageSize: number; pageToken?: string; jiraIssueKey?: string }): Promise<RunPage>;
  /** Checks that Temporal answers (`GetSystemInfo`). */
  ping(): Promise<void>;
}

/** Options of {@link createImplementationRuns}. Durations in milliseconds. */
export interface ImplementationRunsOptions {
  client: Client;
  /** The shared task queue (TASK_QUEUE) workflows are started on. */
  taskQueue: string;
  /** Deadline of one RPC (describe, start, signal, list …). Default 10,000. */
  rpcTimeoutMs?: number;
  /** Deadline of one `status` query; it needs a worker to answer. Default 5,000. */
  queryTimeoutMs?: number;
}

type ImplementationWorkflowFn = (input: ImplementationWorkflowInput) => Promise<ImplementationWorkflowResult>;

const JIRA_ISSUE_KEY_ATTRIBUTE = defineSearchAttributeKey(SEARCH_ATTRIBUTES.jiraIssueKey, 'KEYWORD');
const REPOSITORY_ATTRIBUTE = defineSearchAttributeKey(SEARCH_ATTRIBUTES.repository, 'KEYWORD');

/** Temporal's `WorkflowExecutionStatus` enum (a stable wire value) → the façades' names. */
const STATUS_BY_CODE: Record<number, RunStatus> = {
  1: 'RUNNING',
  2: 'COMPLETED',
  3: 'FAILED',
  4: 'CANCELED',
  5: 'TERMINATED',
  // CONTINUED_AS_NEW: this run is over and a newer one carries on; the workflow never does it.
  6: 'COMPLETED',
  7: 'TIMED_OUT',
  // PAUSED: still open.
  8: 'RUNNING',
};

/**
 * Creates the gateway over a connected (or lazily connecting) Temporal `client`. Does no I/O
 * until a method is called.
 */
export function createImplementationRuns(options: ImplementationRunsOptions): ImplementationRuns {
  const { client, taskQueue } = options;
  const rpcTimeoutMs = options.rpcTimeoutMs ?? 10_000;
  const queryTimeoutMs = options.queryTimeoutMs ?? 5_000;
  const connection = client.connection;

  async function rpc<T>(workflowId: string, fn: () => Promise<T>, timeoutMs = rpcTimeoutMs): Promise<T> {
    try {
      return await connection.withDeadline(Date.now() + timeoutMs, fn);
    } catch (err) {
      throw translateTemporalError(err, workflowId);
    }
  }

  return {
    async describe(workflowId) {
      try {
        const description = await rpc(workflowId, () => client.workflow.getHandle(workflowId).describe());
        return runInfoFromRaw(description.raw.workflowExecutionInfo ?? {});
      } catch (err) {
        if (err instanceof RunNotFoundError) return null;
        throw err;
      }
    },

    async start(input) {
      const workflowId = workflowIdFor(input.jiraIssueKey);
      const handle = await rpc(workflowId, () =>
        client.workflow.start<ImplementationWorkflowFn>(IMPLEMENTATION_WORKFLOW_TYPE, {
          taskQueue,
          workflowId,
          args: [input],
          // One open run per ticket, also across leaders; a closed run may be followed by a new one.
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          typedSearchAttributes: [
            { key: JIRA_ISSUE_KEY_ATTRIBUTE, value: input.jiraIssueKey },
            { key: REPOSITORY_ATTRIBUTE, value: repositoryFullName(input.repository) },
          ],
          staticSummary: `${input.jiraIssueKey}: ${input.summary}`.slice(0, 200),
        }),
      );
      return { workflowId, runId: handle.firstExecutionRunId };
    },

    async status(workflowId, runId) {
      try {
        return await connection.withDeadline(Date.now() + queryTimeoutMs, () =>
          client.workflow.getHandle(workflowId, runId).query(statusQuery),
        );
      } catch {
        // No worker answered in time, or the query failed: the caller falls back to what it knows.
        return null;
      }
    },

    async outcome(workflowId, runId) {
      const handle = client.workflow.getHandle<ImplementationWorkflowFn>(workflowId, runId, { followRuns: false });
      try {
        const result = await rpc(workflowId, () => handle.result());
        return { result, error: null };
      } catch (err) {
        if (err instanceof WorkflowFailedError) return { result: null, error: failureMessage(err) };
        throw err;
      }
    },

    async approve(workflowId) {
      await rpc(workflowId, () => client.workflow.getHandle(workflowId).signal(approvePlanSignal));
    },

    async reject(workflowId, reason) {
      await rpc(workflowId, () => client.workflow.getHandle(workflowId).signal(rejectPlanSignal, { reason }));
    },

    async cancel(workflowId) {
      await rpc(workflowId, () => client.workflow.getHandle(workflowId).cancel());
    },

    async list({ pageSize, pageToken, jiraIssueKey }) {
      const clauses = [`WorkflowType = ${quoteQueryValue(IMPLEMENTATION_WORKFLOW_TYPE)}`];
      if (jiraIssueKey !== undefined) {
        clauses.push(`${SEARCH_ATTRIBUTES.jiraIssueKey} = ${quoteQueryValue(jiraIssueKey)}`);
      }
      const token = pageToken ? decodePageToken(pageToken) : Buffer.alloc(0);
      const response = await rpc('', () =>
        client.workflowService.listWorkflowExecutions({
          namespace: client.options.namespace,
          query: clauses.join(' AND '),
          pageSize,
          nextPageToken: token,
        }),
      );
      const next = response.nextPageToken;
      return {
        runs: (response.executions ?? []).map(runInfoFromRaw),
        nextPageToken: next && next.length > 0 ? encodePageToken(next) : '',
      };
    },

    async ping() {
      await rpc('', () => client.workflowService.getSystemInfo({}));
    },
  };
}

/** Maps Temporal's raw execution info to {@link RunInfo}. Pure. */
export function runInfoFromRaw(raw: RawWorkflowExecutionInfo): RunInfo {
  const fields = raw.searchAttributes?.indexedFields ?? {};
  return {
    workflowId: raw.execution?.workflowId ?? '',
    runId: raw.execution?.runId ?? '',
    status: STATUS_BY_CODE[Number(raw.status ?? 0)] ?? 'RUNNING',
    startTime: timestampToDate(raw.startTime) ?? new Date(0),
    closeTime: timestampToDate(raw.closeTime),
    jiraIssueKey: keyword(fields[SEARCH_ATTRIBUTES.jiraIssueKey]),
    repository: keyword(fields[SEARCH_ATTRIBUTES.repository]),
  };
}

/** A visibility query string literal: double quotes, with `"` and `\` escaped. Pure. */
export function quoteQueryValue(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function keyword(payload: Payload | null | undefined): string | null {
  if (!payload) return null;
  try {
    const value = defaultPayloadConverter.fromPayload<unknown>(payload);
    if (typeof value === 'string') return value;
    // Keyword lists arrive as arrays.
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
    return null;
  } catch {
    return null;
  }
}

interface ProtoTimestamp {
  seconds?: { toString(): string } | number | null;
  nanos?: number | null;
}

function timestampToDate(ts: ProtoTimestamp | null | undefined): Date | null {
  if (!ts || ts.seconds === null || ts.seconds === undefined) return null;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : Number(ts.seconds.toString());
  if (!Number.isFinite(seconds) || (seconds === 0 && !ts.nanos)) return null;
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000));
}

const TOKEN_CHECK_BYTES = 4;

function tokenCheck(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest().subarray(0, TOKEN_CHECK_BYTES);
}

/**
 * Temporal's opaque page token as base64url, with a short checksum so a token this API did not
 * issue is refused at once (Temporal answers garbage tokens with a retried UNKNOWN error). Pure.
 */
export function encodePageToken(bytes: Uint8Array): string {
  return Buffer.concat([Buffer.from(bytes), tokenCheck(bytes)]).toString('base64url');
}

/**
 * Inverse of {@link encodePageToken}. Pure.
 * @throws {InvalidRunListRequestError} when the token is not one {@link encodePageToken} made.
 */
export function decodePageToken(token: string): Buffer {
  const raw = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url') : Buffer.alloc(0);
  const bytes = raw.subarray(0, Math.max(0, raw.length - TOKEN_CHECK_BYTES));
  if (bytes.length === 0 || !tokenCheck(bytes).equals(raw.subarray(bytes.length))) {
    throw new InvalidRunListRequestError('the page token is not one this API issued');
  }
  return Buffer.from(bytes);
}

/** The workflow's own failure message (its first cause), else the SDK's. */
function failureMessage(err: WorkflowFailedError): string {
  return err.cause?.message || err.message;
}
