import type { Catalog } from './catalog.js';

/** The outcome of a `fields` parameter. */
export interface FieldSelection {
  /** `id`: the issue is returned as `{id}` only (enhanced search default). */
  mode: 'id' | 'full';
  /** Field ids to put into `fields`. */
  fieldIds: Set<string>;
}

/** The default when `fields` is absent: search/jql returns ids, GET issue returns all fields. */
export type FieldDefault = 'id' | '*all';

/**
 * Interprets Jira's `fields` parameter: a list (possibly repeated, possibly comma-separated) of
 * field ids, `*all`, `*navigable`, `id`, `key`, and `-field` exclusions. Unknown ids are ignored,
 * as Jira does.
 * - search/jql default is `id`: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get
 * - GET issue default is `*all`: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get
 */
export function parseFieldSelection(
  raw: readonly string[] | undefined,
  fallback: FieldDefault,
  catalog: Catalog,
): FieldSelection {
  const tokens = (raw ?? [])
    .flatMap((entry) => entry.split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  if (tokens.length === 0) tokens.push(fallback);
  if (tokens.every((t) => t === 'id')) return { mode: 'id', fieldIds: new Set() };

  const outputFields = catalog.fields.filter((f) => f.id !== 'issuekey');
  const include = new Set<string>();
  const exclude = new Set<string>();
  let onlyExclusions = true;
  for (const token of tokens) {
    if (token.startsWith('-')) {
      exclude.add(token.slice(1));
      continue;
    }
    onlyExclusions = false;
    if (token === '*all') {
      for (const f of outputFields) include.add(f.id);
    } else if (token === '*navigable') {
      for (const f of outputFields) if (f.navigable) include.add(f.id);
    } else if (outputFields.some((f) => f.id === token)) {
      include.add(token);
    }
  }
  // "-description" alone means "all navigable fields except description".
  if (onlyExclusions) for (const f of outputFields) if (f.navigable) include.add(f.id);
  for (const id of exclude) include.delete(id);
  return { mode: 'full', fieldIds: include };
}
