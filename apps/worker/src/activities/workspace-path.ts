/**
 * Where a run attempt's clone lives: one folder per workflow run and attempt under WORKSPACE_DIR,
 * next to the worker's clone cache in `WORKSPACE_DIR/.mirrors` (same file system, so cached clones
 * can hard-link packs and take over parked spares with a rename).
 */
import path from 'node:path';
import { FailureTypes } from '@khitomer/contracts';
import { ApplicationFailure } from '@temporalio/common';
import type { WorkspaceKey } from '../workflows/activity-types.js';

/** Name of the clone cache's folder below WORKSPACE_DIR. No workspace folder can have it (they end in `--a<attempt>`). */
export const MIRROR_CACHE_DIR_NAME = '.mirrors';

/** The worker's clone cache folder below `root` (WORKSPACE_DIR). Pure. */
export function mirrorCacheDirFor(root: string): string {
  return path.join(path.resolve(root), MIRROR_CACHE_DIR_NAME);
}

/** Characters kept in folder names; everything else becomes `_`. */
const UNSAFE = /[^A-Za-z0-9._-]/g;

/**
 * The folder of `key` below `root`: `<workflowId>--<runId>--a<attempt>` with unsafe characters
 * replaced, so it can never leave `root`. Pure.
 * @throws non-retryable `ApplicationFailure` `InvalidInput` for a malformed key.
 */
export function workspaceDirFor(root: string, key: WorkspaceKey): string {
  if (
    typeof key?.workflowId !== 'string' ||
    key.workflowId === '' ||
    typeof key.runId !== 'string' ||
    key.runId === '' ||
    !Number.isInteger(key.attempt) ||
    key.attempt < 1
  ) {
    throw ApplicationFailure.nonRetryable('invalid workspace key', FailureTypes.InvalidInput);
  }
  const name = `${key.workflowId}--${key.runId}--a${key.attempt}`.replace(UNSAFE, '_');
  return path.join(path.resolve(root), name);
}
