import { validateAdfDocument } from './adf.js';
import { type Catalog, findUser } from './catalog.js';
import { isRecord } from './http-helpers.js';
import type { IssueChanges } from './store.js';
import type { AdfDocument } from './types.js';

// Jira's per-field validation messages (errors map of a 400), e.g.
// https://github.com/lesstif/php-jira-rest-client/issues/280 (description must be ADF in v3).
const NOT_ADF = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
const NOT_STRING = 'Operation value must be a string';
const NO_SUMMARY = 'You must specify a summary of the issue.';

/** `Field 'x' cannot be set. …`: Jira's answer for a field that is not on the screen or unknown. */
export function cannotSet(field: string): string {
  return `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;
}

/** Field edits parsed from a request plus Jira-style per-field errors. */
export interface ParsedChanges {
  changes: IssueChanges;
  errors: Record<string, string>;
}

type Setter = (value: unknown, changes: IssueChanges, errors: Record<string, string>) => void;

function labelsProblem(labels: unknown): string | null {
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string'))
    return 'Labels must be an array of strings.';
  const spaced = labels.find((l) => /\s/.test(l));
  return spaced !== undefined ? `The label '${spaced}' contains spaces which is invalid.` : null;
}

function setters(catalog: Catalog): Record<string, Setter> {
  const result: Record<string, Setter> = {
    summary: (value, changes, errors) => {
      if (typeof value !== 'string') errors.summary = NOT_STRING;
      else if (value.trim() === '') errors.summary = NO_SUMMARY;
      else changes.summary = value;
    },
    description: (value, changes, errors) => {
      if (value === null) changes.description = null;
      else if (validateAdfDocument(value) !== null) errors.description = NOT_ADF;
      else changes.description = value as AdfDocument;
    },
    labels: (value, changes, errors) => {
      const problem = labelsProblem(value);
      if (problem) errors.labels = problem;
      else changes.labels = [...new Set(value as string[])];
    },
    assignee: (value, changes, errors) => {
      if (value === null) {
        changes.assigneeAccountId = null;
        return;
      }
      const accountId = isRecord(value) ? value.accountId : undefined;
      if (accountId === null) changes.assigneeAccountId = null;
      else if (typeof accountId === 'string' && findUser(catalog, accountId)?.accountId === accountId) {
        changes.assigneeAccountId = accountId;
      } else errors.assignee = 'Specify a valid value for assignee';
    },
  };
  for (const field of catalog.customFields) {
    result[field.id] = (value, changes, errors) => {
      if (value !== null && typeof value !== 'string') {
        errors[field.id] = NOT_STRING;
        return;
      }
      changes.custom ??= new Map();
      changes.custom.set(field.id, value === '' ? null : value);
    };
  }
  return result;
}

/** Applies one `update` operation list (`[{set}|{add}|{remove}]`) of a field. */
function applyOperations(
  field: string,
  operations: unknown,
  current: () => string[],
  setter: Setter,
  changes: IssueChanges,
  errors: Record<string, string>,
): void {
  if (!Array.isArray(operations)) {
    errors[field] = `Field '${field}' has an invalid update: expected a list of operations.`;
    return;
  }
  for (const op of operations) {
    if (!isRecord(op) || Object.keys(op).length !== 1) {
      errors[field] = `Field '${field}' has an invalid operation.`;
      return;
    }
    const [verb, value] = Object.entries(op)[0] as [string, unknown];
    if (verb === 'set') {
      setter(value, changes, errors);
    } else if (field === 'labels' && (verb === 'add' || verb === 'remove') && typeof value === 'string') {
      const labels = changes.labels ?? current();
      setter(verb === 'add' ? [...labels, value] : labels.filter((l) => l !== value), changes, errors);
    } else {
      errors[field] = `Operation '${verb}' is not supported for field '${field}'.`;
    }
  }
}

/**
 * Parses `fields` and `update` of an edit (or the editable part of a create). `skip` names fields
 * the caller handles itself (e.g. `project` on create). Unknown or read-only fields become errors.
 */
export function parseIssueChanges(
  fields: unknown,
  update: unknown,
  catalog: Catalog,
  currentLabels: () => string[],
  skip: readonly string[] = [],
): ParsedChanges {
  const changes: IssueChanges = {};
  const errors: Record<string, string> = {};
  const known = setters(catalog);
  if (fields !== undefined && fields !== null) {
    if (!isRecord(fields)) return { changes, errors: { fields: "'fields' must be an object." } };
    for (const [field, value] of Object.entries(fields)) {
      if (skip.includes(field)) continue;
      const setter = known[field];
      if (setter) setter(value, changes, errors);
      else errors[field] = cannotSet(field);
    }
  }
  if (update !== undefined && update !== null) {
    if (!isRecord(update)) return { changes, errors: { update: "'update' must be an object." } };
    for (const [field, operations] of Object.entries(update)) {
      if (skip.includes(field)) continue;
      const setter = known[field];
      if (setter) applyOperations(field, operations, currentLabels, setter, changes, errors);
      else errors[field] = cannotSet(field);
    }
  }
  return { changes, errors };
}
