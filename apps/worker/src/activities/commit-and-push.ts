/**
 * `commitAndPush`: secret scan and test-tampering check of the diff, then commit and push of the
 * work branch (PRODUCT.md §5.1).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FailureTypes } from '@khitomer/contracts';
import { ApplicationFailure } from '@temporalio/common';
import { detectTestTampering, type SecretFinding, scanForSecrets } from '../guards/index.js';
import type { CommitAndPushInput, CommitAndPushResult } from '../workflows/activity-types.js';
import type { ActivityDeps } from './activity-deps.js';
import type { StepContext } from './step-context.js';
import { keepHeartbeating } from './step-context.js';
import { workspaceDirFor } from './workspace-path.js';

/** Inside `.git`, where the agent cannot write: remembers a commit made by an earlier try of this activity. */
const CHECKPOINT_FILE = 'khitomer-commit.json';
/** Findings listed in the failure message. */
const MAX_LISTED_FINDINGS = 10;

/** Tampering warnings kept by name (they travel through history, the PR body and Jira); the rest are counted. */
export const MAX_TAMPERING_WARNINGS = 50;

/** The first {@link MAX_TAMPERING_WARNINGS} warnings, plus one line counting the others. Pure. */
export function listTamperingWarnings(warnings: readonly string[]): string[] {
  if (warnings.length <= MAX_TAMPERING_WARNINGS) return [...warnings];
  const rest = warnings.length - MAX_TAMPERING_WARNINGS;
  return [...warnings.slice(0, MAX_TAMPERING_WARNINGS), `… and ${rest} more (see the diff)`];
}

/** The commit message: `<KEY>: <summary>` and the plan summary as body. Pure. */
export function commitMessage(jiraIssueKey: string, summary: string, planSummary: string): string {
  const subject = `${jiraIssueKey}: ${summary.replace(/\s+/g, ' ').trim()}`;
  const body = planSummary.trim();
  return body === '' ? subject : `${subject}\n\n${body}`;
}

/** The failure message of a secret hit: where, what kind — never the value. Pure. */
export function describeSecretFindings(findings: readonly SecretFinding[]): string {
  const listed = findings
    .slice(0, MAX_LISTED_FINDINGS)
    .map((f) => `${f.file}:${f.line} (${f.kind})`)
    .join(', ');
  const more = findings.length > MAX_LISTED_FINDINGS ? ` and ${findings.length - MAX_LISTED_FINDINGS} more` : '';
  return `The change contains what looks like a secret at ${listed}${more}; nothing was pushed`;
}

async function readCheckpoint(file: string): Promise<CommitAndPushResult | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<CommitAndPushResult>;
    if (typeof parsed.commitSha === 'string' && Array.isArray(parsed.changedFiles)) {
      return {
        commitSha: parsed.commitSha,
        changedFiles: parsed.changedFiles,
        tamperingWarnings: Array.isArray(parsed.tamperingWarnings) ? parsed.tamperingWarnings : [],
      };
    }
  } catch {
    // No checkpoint: nothing was committed yet.
  }
  return undefined;
}

/**
 * Scans the working-tree diff (added lines) for configured secret values and token shapes, lists
 * tampering warnings, commits everything as the configured author and pushes the branch with
 * `--force-with-lease`. A retry after the commit only pushes again (checkpoint in `.git`).
 * Idempotent. Heartbeats throughout — the scan of a large diff can outlast the heartbeat timeout,
 * and a retry started beside a still-running first try would find the changes already committed;
 * cancellation stops the push.
 * @throws non-retryable `SecretDetected` (nothing committed or pushed) on a secret hit;
 *   non-retryable `NoChanges` when there is nothing to commit; adapter errors (mapped at the
 *   boundary: a stale lease is a non-retryable `Conflict`, network/5xx retried).
 */
export async function commitAndPush(
  deps: Pick<ActivityDeps, 'git' | 'workspaceRoot' | 'secretValues' | 'gitAuthor' | 'heartbeatIntervalMs'>,
  ctx: StepContext,
  input: CommitAndPushInput,
): Promise<CommitAndPushResult> {
  const dir = workspaceDirFor(deps.workspaceRoot, input.workspace);
  const checkpointFile = path.join(dir, '.git', CHECKPOINT_FILE);
  let step: 'scan' | 'commit' | 'push' = 'scan';
  const stop = keepHeartbeating(ctx, () => ({ step }), deps.heartbeatIntervalMs);
  let result: CommitAndPushResult | undefined;
  try {
    result = await readCheckpoint(checkpointFile);
    if (result === undefined) {
      const changed = await deps.git.changedFiles(dir);
      if (changed.length === 0) {
        throw ApplicationFailure.nonRetryable('There is nothing to commit: no file changed', FailureTypes.NoChanges);
      }
      const diff = await deps.git.diff(dir);
      const findings = await scanForSecrets(diff, { secretValues: deps.secretValues, logger: ctx.logger });
      if (findings.length > 0) {
        ctx.logger.warn(
          { findings: findings.map((f) => ({ file: f.file, line: f.line, kind: f.kind, source: f.source })) },
          'secret found in the diff; not pushing',
        );
        throw ApplicationFailure.create({
          message: describeSecretFindings(findings),
          type: FailureTypes.SecretDetected,
          nonRetryable: true,
          details: [{ findings: findings.map((f) => ({ file: f.file, line: f.line, kind: f.kind })) }],
        });
      }
      const detected = detectTestTampering(diff).map((w) => w.message);
      const tamperingWarnings = listTamperingWarnings(detected);
      step = 'commit';
      const commitSha = await deps.git.commitAll(
        dir,
        commitMessage(input.jiraIssueKey, input.summary, input.planSummary),
        deps.gitAuthor,
      );
      result = {
        commitSha,
        changedFiles: changed.map((f) => ({ path: f.path, status: f.status })),
        tamperingWarnings,
      };
      await writeFile(checkpointFile, JSON.stringify(result));
      ctx.logger.info(
        {
          commitSha,
          changedFiles: changed.length,
          tamperingWarnings: detected.length,
          diffBytes: diff.length,
        },
        'changes committed',
      );
    }
    step = 'push';
    await deps.git.push(dir, input.branch, ctx.signal);
  } finally {
    stop();
  }
  ctx.logger.info({ branch: input.branch, commitSha: result.commitSha }, 'branch pushed');
  return result;
}
