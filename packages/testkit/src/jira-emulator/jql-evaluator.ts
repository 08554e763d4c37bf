import { adfToPlainText } from './adf.js';
import {
  type Catalog,
  findCustomField,
  findIssueType,
  findProject,
  findStatus,
  findUser,
  STATUS_CATEGORIES,
  type UserInfo,
} from './catalog.js';
import { JqlError } from './jql-lexer.js';
import type { JqlClause, JqlField, JqlOperand, JqlOperator, JqlQuery, JqlValue } from './jql-parser.js';
import type { IssueRecord } from './model.js';
import type { StatusCategoryKey } from './types.js';

/** What the evaluator needs to know about the instance. */
export interface JqlEnvironment {
  catalog: Catalog;
  /** The user `currentUser()` stands for. */
  currentUser: UserInfo;
  /** Issue by key (case-insensitive) or numeric id. */
  findIssue(keyOrId: string): IssueRecord | undefined;
  /** Epoch ms for `now()` and relative dates. */
  now(): number;
}

/** A validated, executable query. */
export interface CompiledJql {
  /** Whether the query restricts the search (Jira rejects unbounded enhanced searches). */
  bounded: boolean;
  matches(issue: IssueRecord): boolean;
  /** Sort comparator implementing `ORDER BY` (default: newest key first). */
  compare(a: IssueRecord, b: IssueRecord): number;
}

type FieldKind =
  | 'project'
  | 'status'
  | 'statusCategory'
  | 'key'
  | 'issuetype'
  | 'assignee'
  | 'reporter'
  | 'labels'
  | 'parent'
  | 'summary'
  | 'description'
  | 'text'
  | 'created'
  | 'updated'
  | 'custom';

interface ResolvedField {
  kind: FieldKind;
  /** The name as written in the query, used in messages. */
  label: string;
  customId?: string;
}

const SYSTEM_FIELD_NAMES: Record<string, FieldKind> = {
  project: 'project',
  status: 'status',
  statuscategory: 'statusCategory',
  category: 'statusCategory',
  key: 'key',
  id: 'key',
  issue: 'key',
  issuekey: 'key',
  issuetype: 'issuetype',
  type: 'issuetype',
  assignee: 'assignee',
  reporter: 'reporter',
  labels: 'labels',
  parent: 'parent',
  summary: 'summary',
  description: 'description',
  text: 'text',
  created: 'created',
  createddate: 'created',
  updated: 'updated',
  updateddate: 'updated',
};

const EQUALITY: JqlOperator[] = ['=', '!=', 'in', 'not in', 'is', 'is not'];
const TEXT: JqlOperator[] = ['~', '!~', 'is', 'is not'];
const DATE: JqlOperator[] = ['=', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'is', 'is not'];
// Operator support per field type: "=" and "!=" cannot be used with text fields.
// https://support.atlassian.com/jira-software-cloud/docs/advanced-search-reference-jql-operators/
const SUPPORTED_OPERATORS: Record<FieldKind, JqlOperator[]> = {
  project: EQUALITY,
  status: EQUALITY,
  statusCategory: EQUALITY,
  key: EQUALITY,
  issuetype: EQUALITY,
  assignee: EQUALITY,
  reporter: EQUALITY,
  labels: EQUALITY,
  parent: EQUALITY,
  summary: TEXT,
  description: TEXT,
  text: ['~'],
  created: DATE,
  updated: DATE,
  custom: TEXT,
};

const NEGATED: Record<JqlOperator, JqlOperator> = {
  '=': '!=',
  '!=': '=',
  '~': '!~',
  '!~': '~',
  '<': '>=',
  '>=': '<',
  '>': '<=',
  '<=': '>',
  in: 'not in',
  'not in': 'in',
  is: 'is not',
  'is not': 'is',
};

const ISSUE_KEY = /^[A-Za-z][A-Za-z0-9_]*-\d+$/;
const DATE_FORMATS_HINT =
  "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.";

function fieldNotFound(name: string): string {
  return `Field '${name}' does not exist or you do not have permission to view it.`;
}

function resolveField(field: JqlField, catalog: Catalog): ResolvedField | string {
  if (field.customId !== undefined) {
    const def = findCustomField(catalog, field.name);
    return def ? { kind: 'custom', label: field.name, customId: def.id } : fieldNotFound(field.name);
  }
  const system = SYSTEM_FIELD_NAMES[field.name.toLowerCase()];
  if (system) return { kind: system, label: field.name };
  // Custom fields are addressed by name in JQL, never by their `customfield_NNNNN` id.
  const def = catalog.customFields.find((f) => f.name.toLowerCase() === field.name.toLowerCase());
  return def ? { kind: 'custom', label: field.name, customId: def.id } : fieldNotFound(field.name);
}

/** Parses a JQL date literal or relative period into epoch ms (UTC); null when invalid. */
export function parseJqlDate(value: string, now: number): number | null {
  const absolute = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(value.trim());
  if (absolute) {
    const [, y, mo, d, h, mi] = absolute;
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0));
    return Number.isNaN(ms) ? null : ms;
  }
  const compact = value.replace(/\s+/g, '');
  const relative = /^([-+]?)((?:\d+[wdhm])+)$/.exec(compact);
  if (!relative) return null;
  const unitMs: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 };
  let total = 0;
  for (const part of (relative[2] ?? '').matchAll(/(\d+)([wdhm])/g)) {
    total += Number(part[1]) * (unitMs[part[2] ?? 'm'] ?? 0);
  }
  return now + (relative[1] === '-' ? -total : total);
}

/** A canonical operand: a comparable string, a number (dates), or EMPTY. */
type Canonical = { empty: true } | { empty: false; value: string | number };

class Compiler {
  private readonly errors: string[] = [];

  constructor(private readonly env: JqlEnvironment) {}

  compile(query: JqlQuery): CompiledJql {
    const predicate = query.where ? this.compileClause(query.where, false) : () => true;
    const compare = this.compileOrder(query);
    if (this.errors.length > 0) throw new JqlError([...new Set(this.errors)]);
    return { bounded: query.where !== null, matches: predicate, compare };
  }

  private compileClause(clause: JqlClause, negate: boolean): (issue: IssueRecord) => boolean {
    switch (clause.kind) {
      case 'not':
        return this.compileClause(clause.clause, !negate);
      case 'and':
      case 'or': {
        const parts = clause.clauses.map((c) => this.compileClause(c, negate));
        // De Morgan: NOT (a AND b) = NOT a OR NOT b, so negation is pushed down to the clauses,
        // which is how Jira makes `NOT f = v` behave like `f != v` (empty values never match).
        const conjunction = (clause.kind === 'and') !== negate;
        return conjunction ? (issue) => parts.every((p) => p(issue)) : (issue) => parts.some((p) => p(issue));
      }
      case 'terminal': {
        const field = resolveField(clause.field, this.env.catalog);
        if (typeof field === 'string') {
          this.errors.push(field);
          return () => false;
        }
        if (!SUPPORTED_OPERATORS[field.kind].includes(clause.operator)) {
          this.errors.push(
            `The operator '${clause.operator.toUpperCase()}' is not supported by the '${field.label}' field.`,
          );
          return () => false;
        }
        const operands = this.canonicalOperands(field, clause.operand);
        const operator = negate ? NEGATED[clause.operator] : clause.operator;
        return (issue) => evaluate(operator, this.fieldValues(field, issue), operands);
      }
    }
  }

  private canonicalOperands(field: ResolvedField, operand: JqlOperand): Canonical[] {
    const values = operand.kind === 'list' ? operand.values : [operand];
    return values.flatMap((v) => this.canonical(field, v));
  }

  private canonical(field: ResolvedField, value: JqlValue): Canonical[] {
    if (value.kind === 'empty') return [{ empty: true }];
    if (value.kind === 'function') return this.callFunction(field, value.name, value.args);
    const raw = value.value;
    const { catalog } = this.env;
    const missing = (): Canonical[] => {
      this.errors.push(`The value '${raw}' does not exist for the field '${field.label}'.`);
      return [];
    };
    switch (field.kind) {
      case 'project': {
        const project = findProject(catalog, raw);
        return project ? [{ empty: false, value: project.key }] : missing();
      }
      case 'status': {
        const status = findStatus(catalog, raw);
        return status ? [{ empty: false, value: status.id }] : missing();
      }
      case 'statusCategory': {
        const lower = raw.toLowerCase();
        const entry = Object.entries(STATUS_CATEGORIES).find(
          ([key, c]) => key === lower || c.name.toLowerCase() === lower || String(c.id) === raw,
        );
        return entry ? [{ empty: false, value: entry[0] }] : missing();
      }
      case 'issuetype': {
        const type = findIssueType(catalog, raw);
        return type ? [{ empty: false, value: type.id }] : missing();
      }
      case 'assignee':
      case 'reporter': {
        const user = findUser(catalog, raw);
        return user ? [{ empty: false, value: user.accountId }] : missing();
      }
      case 'key':
      case 'parent': {
        if (!/^\d+$/.test(raw) && !ISSUE_KEY.test(raw)) {
          this.errors.push(`The issue key '${raw}' for field '${field.label}' is invalid.`);
          return [];
        }
        const issue = this.env.findIssue(raw);
        if (!issue) {
          this.errors.push(`An issue with key '${raw}' does not exist for field '${field.label}'.`);
          return [];
        }
        return [{ empty: false, value: issue.id }];
      }
      case 'created':
      case 'updated': {
        const ms = parseJqlDate(raw, this.env.now());
        if (ms === null) {
          this.errors.push(`Date value '${raw}' for field '${field.label}' is invalid. ${DATE_FORMATS_HINT}`);
          return [];
        }
        return [{ empty: false, value: ms }];
      }
      default:
        return [{ empty: false, value: raw }];
    }
  }

  private callFunction(field: ResolvedField, name: string, args: string[]): Canonical[] {
    const lower = name.toLowerCase();
    const userField = field.kind === 'assignee' || field.kind === 'reporter';
    const dateField = field.kind === 'created' || field.kind === 'updated';
    if (lower === 'currentuser' && userField && args.length === 0) {
      return [{ empty: false, value: this.env.currentUser.accountId }];
    }
    if (dateField && (lower === 'now' || lower === 'startofday' || lower === 'endofday')) {
      const now = this.env.now();
      const day = Math.floor(now / 86_400_000) * 86_400_000;
      const value = lower === 'now' ? now : lower === 'startofday' ? day : day + 86_399_999;
      return [{ empty: false, value }];
    }
    if (['currentuser', 'now', 'startofday', 'endofday'].includes(lower)) {
      this.errors.push(`The function '${name}' is not supported by the '${field.label}' field.`);
    } else {
      this.errors.push(`Unable to find JQL function '${name}(${args.join(', ')})'.`);
    }
    return [];
  }

  private fieldValues(field: ResolvedField, issue: IssueRecord): (string | number)[] {
    const { catalog } = this.env;
    switch (field.kind) {
      case 'project':
        return [issue.projectKey];
      case 'status':
        return [issue.statusId];
      case 'statusCategory': {
        const category: StatusCategoryKey | undefined = catalog.statuses.find((s) => s.id === issue.statusId)?.category;
        return category ? [category] : [];
      }
      case 'key':
        return [issue.id];
      case 'issuetype':
        return [issue.issueTypeId];
      case 'assignee':
        return issue.assigneeAccountId ? [issue.assigneeAccountId] : [];
      case 'reporter':
        return [issue.reporterAccountId];
      case 'labels':
        return issue.labels;
      case 'parent':
        return issue.parentId ? [issue.parentId] : [];
      case 'summary':
        return [issue.summary];
      case 'description': {
        const text = adfToPlainText(issue.description);
        return text ? [text] : [];
      }
      case 'text':
        return [
          issue.summary,
          adfToPlainText(issue.description),
          ...issue.comments.map((c) => adfToPlainText(c.body)),
          ...[...issue.custom.values()].filter((v): v is string => typeof v === 'string'),
        ];
      case 'created':
        return [issue.created];
      case 'updated':
        return [issue.updated];
      case 'custom': {
        const value = issue.custom.get(field.customId ?? '');
        return typeof value === 'string' && value.length > 0 ? [value] : [];
      }
    }
  }

  private compileOrder(query: JqlQuery): (a: IssueRecord, b: IssueRecord) => number {
    const byId = (a: IssueRecord, b: IssueRecord) => Number(a.id) - Number(b.id);
    const keys: ((a: IssueRecord, b: IssueRecord) => number)[] = [];
    for (const item of query.orderBy) {
      const field = resolveField(item.field, this.env.catalog);
      if (typeof field === 'string') {
        this.errors.push(field);
        continue;
      }
      let compare: (a: IssueRecord, b: IssueRecord) => number;
      let defaultDirection: 'asc' | 'desc';
      if (field.kind === 'created' || field.kind === 'updated') {
        const kind = field.kind;
        compare = (a, b) => a[kind] - b[kind];
        // Date fields sort newest first unless told otherwise.
        defaultDirection = 'desc';
      } else if (field.kind === 'key') {
        compare = (a, b) => a.projectKey.localeCompare(b.projectKey) || a.number - b.number;
        defaultDirection = 'asc';
      } else {
        this.errors.push(`Not able to sort using field '${field.label}'.`);
        continue;
      }
      const direction = item.direction ?? defaultDirection;
      keys.push(direction === 'asc' ? compare : (a, b) => compare(b, a));
    }
    if (keys.length === 0) return (a, b) => byId(b, a);
    return (a, b) => {
      for (const key of keys) {
        const result = key(a, b);
        if (result !== 0) return result;
      }
      return byId(a, b);
    };
  }
}

function textMatches(haystack: string, needle: string): boolean {
  // Approximates Jira's full-text search: every term of the query must occur (case-insensitive).
  const text = haystack.toLowerCase();
  const terms = needle
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return terms.length > 0 && terms.every((t) => text.includes(t));
}

function evaluate(operator: JqlOperator, values: (string | number)[], operands: Canonical[]): boolean {
  const hasValue = values.length > 0;
  const wantsEmpty = operands.some((o) => o.empty);
  const concrete = operands.filter((o): o is { empty: false; value: string | number } => !o.empty).map((o) => o.value);
  const contains = (v: string | number) => values.includes(v);
  switch (operator) {
    case '=':
    case 'in':
      return (wantsEmpty && !hasValue) || concrete.some(contains);
    case '!=':
    case 'not in':
      // Jira: "!=" and "NOT IN" never match issues whose field is empty.
      return hasValue && !concrete.some(contains);
    case 'is':
      return !hasValue;
    case 'is not':
      return hasValue;
    case '~':
      if (wantsEmpty) return !hasValue;
      return concrete.some((c) => values.some((v) => textMatches(String(v), String(c))));
    case '!~':
      if (wantsEmpty) return hasValue;
      return hasValue && !concrete.some((c) => values.some((v) => textMatches(String(v), String(c))));
    case '<':
    case '<=':
    case '>':
    case '>=':
      return concrete.some((c) =>
        values.some((v) => {
          if (typeof v !== 'number' || typeof c !== 'number') return false;
          if (operator === '<') return v < c;
          if (operator === '<=') return v <= c;
          if (operator === '>') return v > c;
          return v >= c;
        }),
      );
  }
}

/**
 * Validates a parsed query against the instance (fields, operators, values) and compiles it.
 * Throws {@link JqlError} listing every problem, in Jira's words.
 */
export function compileJql(query: JqlQuery, env: JqlEnvironment): CompiledJql {
  return new Compiler(env).compile(query);
}
