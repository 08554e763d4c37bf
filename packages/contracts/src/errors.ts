/**
 * Failure type names used in `ApplicationFailure.type`. Workflows branch on these, never on
 * `instanceof`. Permanent once shipped.
 */
export const FailureTypes = {
  /** Input that can never succeed (malformed repo, missing field). Non-retryable. */
  InvalidInput: 'InvalidInput',
  /** 401 from an outside system. Non-retryable. */
  Unauthorized: 'Unauthorized',
  /** 403 from an outside system. Non-retryable. */
  PermissionDenied: 'PermissionDenied',
  /** 404 from an outside system (repo, issue). Non-retryable. */
  NotFound: 'NotFound',
  /** The repository cannot be used (empty, no such base branch). Non-retryable. */
  InvalidRepository: 'InvalidRepository',
  /** The model's answer could not be parsed. Non-retryable. */
  UnparseableModelOutput: 'UnparseableModelOutput',
  /** AGENT_MAX_TOKENS reached. Non-retryable. */
  BudgetExhausted: 'BudgetExhausted',
  /** The agent finished without changing anything. Non-retryable. */
  NoChanges: 'NoChanges',
  /** The diff contains a secret; nothing was pushed. Non-retryable. */
  SecretDetected: 'SecretDetected',
  /** A human rejected the plan. */
  PlanRejected: 'PlanRejected',
  /** No approval arrived in time. */
  ApprovalTimedOut: 'ApprovalTimedOut',
  /** The worker holding the clone is gone; the workflow starts a fresh attempt. */
  HostLost: 'HostLost',
  /** The worker asked for a host queue hosts as many runs as it may; retried (elsewhere or later). */
  HostBusy: 'HostBusy',
  /** 409 or an equivalent state conflict (e.g. a push whose lease went stale). Non-retryable. */
  Conflict: 'Conflict',
  /** A transient fault (429, 5xx, network, timeout) surfaced after in-process retries. Retryable. */
  Transient: 'Transient',
} as const;

/** One of {@link FailureTypes}. */
export type FailureType = (typeof FailureTypes)[keyof typeof FailureTypes];
