/**
 * The Jira comments the leader itself posts (repository problems, planning failures) and the
 * markers that make each one appear once. A marker is a digest of exactly what the comment is
 * about — the field value or ticket text, and when the ticket last entered the ready status — so
 * the same problem is never explained twice, across polls, restarts and leaders, while a changed
 * ticket (new value, edited text, moved out of ready and back) gets a fresh comment. The marker
 * is stored as a comment property by `IssueTracker.addComment`, which checks for it before posting.
 * A planning failure that is not retried is also recorded in the issue property
 * {@link LEADER_ISSUE_PROPERTY}, which the ready search returns, so later polls (of any leader)
 * know it without reading the ticket's comments.
 */
import { createHash } from 'node:crypto';
import type { RepositoryRef } from '@khitomer/contracts';
import { type AdfDocument, type AdfInline, adfDoc, paragraph, text } from '@khitomer/integrations';
import type { RepositoryProblemKind } from './repository-check.js';
import { formatRepositoryProblemComment } from './repository-reference.js';

/** Prefix of every marker the leader writes (the worker uses its own). */
export const LEADER_MARKER_PREFIX = 'khitomer-leader';

/** Key of the issue property in which the leader records what it decided about a ticket. */
export const LEADER_ISSUE_PROPERTY = 'khitomer-leader';

/** The value of {@link LEADER_ISSUE_PROPERTY}. */
export interface LeaderIssueRecord {
  /** Marker of the last planning failure explained on the ticket that is not retried. */
  planningFailure?: string;
}

/** The planning-failure marker recorded in an issue's properties, if any. Pure. */
export function recordedPlanningFailure(properties: Readonly<Record<string, unknown>>): string | undefined {
  const record = properties[LEADER_ISSUE_PROPERTY];
  if (typeof record !== 'object' || record === null) return undefined;
  const marker = (record as Record<string, unknown>).planningFailure;
  return typeof marker === 'string' ? marker : undefined;
}

function digest(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24);
}

/** Plain text (lines, blank lines between paragraphs) as ADF paragraphs; the first is bold. Pure. */
export function plainTextToAdf(body: string, options: { boldFirst?: boolean } = {}): AdfDocument {
  const paragraphs = body
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return adfDoc(
    ...paragraphs.map((p, i) =>
      i === 0 && options.boldFirst ? paragraph(text(p, [{ type: 'strong' }])) : paragraph(...linesOf(p)),
    ),
  );
}

function linesOf(p: string): AdfInline[] {
  const lines = p.split('\n');
  const nodes: AdfInline[] = [];
  lines.forEach((line, i) => {
    if (i > 0) nodes.push({ type: 'hardBreak' });
    nodes.push(line);
  });
  return nodes;
}

/** What a repository problem is about. */
export interface RepositoryProblemSubject {
  kind: RepositoryProblemKind;
  fieldId: string;
  /** The raw field value as Jira returned it. */
  rawValue: unknown;
  /** When the ticket last entered the ready status (ISO), or null when unknown. */
  readyEnteredAt: string | null;
}

/** Marker of a repository-problem comment. Pure and deterministic. */
export function repositoryProblemMarker(subject: RepositoryProblemSubject): string {
  return `${LEADER_MARKER_PREFIX}:repository:${subject.kind}:${digest([
    subject.fieldId,
    subject.rawValue ?? null,
    subject.readyEnteredAt,
  ])}`;
}

/**
 * The comment explaining a repository problem: names the field, quotes the value (credentials
 * masked), says what is wrong and gives an example of a good value. Pure.
 */
export function repositoryProblemComment(fieldName: string, rawValue: unknown, problem: string): AdfDocument {
  const lines = formatRepositoryProblemComment(fieldName, rawValue, problem)
    .split('\n')
    .filter((line) => line.trim() !== '');
  return plainTextToAdf(lines.join('\n\n'), { boldFirst: true });
}

/** What a planning attempt was about. */
export interface PlanningSubject {
  /** PlanningError code. */
  code: string;
  summary: string;
  description: string;
  repository: RepositoryRef;
  baseBranch: string | undefined;
  readyEnteredAt: string | null;
}

/** Marker of a planning-failure comment. Pure and deterministic. */
export function planningFailureMarker(subject: PlanningSubject): string {
  return `${LEADER_MARKER_PREFIX}:planning:${subject.code}:${digest([
    subject.summary,
    subject.description,
    subject.repository.owner,
    subject.repository.name,
    subject.baseBranch ?? null,
    subject.readyEnteredAt,
  ])}`;
}

/** The comment saying planning failed: the reason (no ticket text, no secrets) and what to do. Pure. */
export function planningFailureComment(reason: string, retriesAutomatically: boolean): AdfDocument {
  const next = retriesAutomatically
    ? 'Khitomer will try again on later polls; nothing needs to change on this ticket.'
    : 'Khitomer will not try this version of the ticket again. To retry, clarify the summary or description, ' +
      'or move the ticket out of the ready status and back.';
  return plainTextToAdf(
    ['Khitomer could not plan this ticket, so no work was started.', `Reason: ${reason}`, next].join('\n\n'),
    { boldFirst: true },
  );
}
