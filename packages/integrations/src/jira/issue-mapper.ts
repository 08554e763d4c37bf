/**
 * Pure mapping from Jira REST v3 JSON to the domain types of `issue-tracker.ts`.
 */
import { adfToText, sanitizeText } from '../adf-text.js';
import { IntegrationError } from '../errors.js';
import type { TrackerComment, TrackerIssue } from '../issue-tracker.js';

type Obj = Record<string, unknown>;

/** Comment property under which the idempotency marker is stored. */
export const MARKER_PROPERTY_KEY = 'khitomer';

/** Fields every search/getIssue requests, besides the caller's extra fields. */
export const STANDARD_FIELDS = [
  'summary',
  'description',
  'status',
  'created',
  'updated',
  'statuscategorychangedate',
  'project',
  'parent',
  'issuetype',
] as const;

function obj(value: unknown): Obj | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : null;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Normalises a Jira timestamp (`2024-05-01T10:00:00.000+0000`) to ISO 8601 UTC
 * (`2024-05-01T10:00:00.000Z`). Returns null for missing or unparseable values. Pure.
 */
export function normalizeTimestamp(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * Maps a Jira issue (`{id, key, fields, properties}`) to a `TrackerIssue`: description rendered
 * from ADF with hidden content stripped, summary sanitised, timestamps normalised, `extraFields`
 * copied raw (null when absent), the values of `propertyKeys` copied raw (left out when absent).
 * Throws `IntegrationError('invalid_response')` (not retryable) when the issue has no key or id.
 */
export function toTrackerIssue(
  issue: unknown,
  extraFields: readonly string[] = [],
  propertyKeys: readonly string[] = [],
): TrackerIssue {
  const i = obj(issue) ?? {};
  const key = str(i.key);
  const id = str(i.id);
  if (!key || !id)
    throw new IntegrationError('invalid_response', 'Jira returned an issue without key or id', { system: 'jira' });
  const fields = obj(i.fields) ?? {};
  const extra: Record<string, unknown> = {};
  for (const field of extraFields) extra[field] = fields[field] ?? null;
  const returned = obj(i.properties) ?? {};
  const properties: Record<string, unknown> = {};
  for (const key of propertyKeys) {
    if (Object.hasOwn(returned, key) && returned[key] !== undefined) properties[key] = returned[key];
  }
  return {
    key,
    id,
    projectKey: str(obj(fields.project)?.key) || key.slice(0, key.lastIndexOf('-')),
    summary: sanitizeText(str(fields.summary)),
    description: adfToText(fields.description),
    status: str(obj(fields.status)?.name),
    updated: normalizeTimestamp(fields.updated) ?? '',
    created: normalizeTimestamp(fields.created) ?? '',
    statusChangedAt: normalizeTimestamp(fields.statuscategorychangedate),
    fields: extra,
    properties,
    parentKey: str(obj(fields.parent)?.key) || null,
    issueType: str(obj(fields.issuetype)?.name),
  };
}

/** Reads the marker from a comment's `properties` (`[{key: 'khitomer', value: {marker}}]`). Pure. */
export function markerOf(comment: unknown): string | null {
  const properties = obj(comment)?.properties;
  if (!Array.isArray(properties)) return null;
  for (const property of properties) {
    const p = obj(property);
    if (p?.key !== MARKER_PROPERTY_KEY) continue;
    const marker = obj(p.value)?.marker;
    if (typeof marker === 'string') return marker;
  }
  return null;
}

/** Maps a Jira comment to a `TrackerComment` (ADF body → sanitised text, marker from properties). Pure. */
export function toTrackerComment(comment: unknown): TrackerComment {
  const c = obj(comment) ?? {};
  return {
    id: str(c.id),
    text: adfToText(c.body),
    created: normalizeTimestamp(c.created) ?? '',
    marker: markerOf(c),
  };
}
