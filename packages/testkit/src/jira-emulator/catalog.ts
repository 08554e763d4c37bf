import type {
  CustomFieldDef,
  JiraEmulatorOptions,
  ProjectDef,
  StatusCategoryKey,
  StatusDef,
  TransitionDef,
} from './types.js';

/** A workflow status with its id. */
export interface StatusInfo {
  id: string;
  name: string;
  category: StatusCategoryKey;
}

/** An issue type. */
export interface IssueTypeInfo {
  id: string;
  name: string;
  description: string;
  subtask: boolean;
  /** Jira's hierarchy: 1 epic, 0 standard, -1 sub-task. */
  hierarchyLevel: number;
}

/** A project with its id. */
export interface ProjectInfo {
  id: string;
  key: string;
  name: string;
}

/** A user account. */
export interface UserInfo {
  accountId: string;
  displayName: string;
  emailAddress: string;
}

/** A field as `GET /rest/api/3/field` describes it. */
export interface FieldInfo {
  id: string;
  name: string;
  custom: boolean;
  orderable: boolean;
  navigable: boolean;
  searchable: boolean;
  clauseNames: string[];
  schema?: { type: string; items?: string; system?: string; custom?: string; customId?: number };
}

/** A transition resolved against the statuses. */
export interface TransitionInfo {
  id: string;
  name: string;
  to: StatusInfo;
  /** `null` for a global transition. */
  from: StatusInfo[] | null;
}

/** Everything configured at start: projects, workflow, fields, users. Immutable. */
export interface Catalog {
  readonly username: string;
  readonly apiToken: string;
  /** The API user (the basic-auth account). */
  readonly bot: UserInfo;
  /** The human who moves tickets via the control API. */
  readonly human: UserInfo;
  readonly users: readonly UserInfo[];
  readonly projects: readonly ProjectInfo[];
  readonly statuses: readonly StatusInfo[];
  readonly issueTypes: readonly IssueTypeInfo[];
  readonly fields: readonly FieldInfo[];
  readonly customFields: readonly CustomFieldDef[];
  readonly transitions: readonly TransitionInfo[];
}

/** Jira's built-in status categories (ids, colours and names as Jira Cloud reports them). */
export const STATUS_CATEGORIES: Record<StatusCategoryKey, { id: number; colorName: string; name: string }> = {
  new: { id: 2, colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, colorName: 'green', name: 'Done' },
};

const DEFAULT_STATUSES = ['To Do', 'Ready for Development', 'In Progress', 'In Review', 'Done'];
const TRANSITION_NAMES: Record<string, string> = {
  'to do': 'Stop Progress',
  'in progress': 'Start Progress',
  'in review': 'Request Review',
  done: 'Done',
};

const ISSUE_TYPES: IssueTypeInfo[] = [
  {
    id: '10000',
    name: 'Epic',
    description: 'A big user story that needs to be broken down.',
    subtask: false,
    hierarchyLevel: 1,
  },
  { id: '10001', name: 'Task', description: 'A small, distinct piece of work.', subtask: false, hierarchyLevel: 0 },
  { id: '10002', name: 'Sub-task', description: 'A small piece of a larger task.', subtask: true, hierarchyLevel: -1 },
  {
    id: '10003',
    name: 'Story',
    description: 'Functionality or a feature expressed as a user goal.',
    subtask: false,
    hierarchyLevel: 0,
  },
  { id: '10004', name: 'Bug', description: 'A problem or error.', subtask: false, hierarchyLevel: 0 },
];

function systemField(
  id: string,
  name: string,
  schema: FieldInfo['schema'] | undefined,
  flags: { navigable?: boolean; orderable?: boolean; searchable?: boolean; clauseNames?: string[] } = {},
): FieldInfo {
  return {
    id,
    name,
    custom: false,
    orderable: flags.orderable ?? true,
    navigable: flags.navigable ?? true,
    searchable: flags.searchable ?? true,
    clauseNames: flags.clauseNames ?? [id],
    ...(schema ? { schema } : {}),
  };
}

// Shapes follow GET /rest/api/3/field:
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-fields/#api-rest-api-3-field-get
const SYSTEM_FIELDS: FieldInfo[] = [
  systemField('issuekey', 'Key', undefined, { orderable: false, clauseNames: ['id', 'issue', 'issuekey', 'key'] }),
  systemField('summary', 'Summary', { type: 'string', system: 'summary' }),
  systemField('description', 'Description', { type: 'string', system: 'description' }),
  systemField('status', 'Status', { type: 'status', system: 'status' }, { orderable: false }),
  systemField('project', 'Project', { type: 'project', system: 'project' }),
  systemField(
    'issuetype',
    'Issue Type',
    { type: 'issuetype', system: 'issuetype' },
    { clauseNames: ['issuetype', 'type'] },
  ),
  systemField(
    'created',
    'Created',
    { type: 'datetime', system: 'created' },
    {
      orderable: false,
      clauseNames: ['created', 'createdDate'],
    },
  ),
  systemField(
    'updated',
    'Updated',
    { type: 'datetime', system: 'updated' },
    {
      orderable: false,
      clauseNames: ['updated', 'updatedDate'],
    },
  ),
  systemField(
    'statuscategorychangedate',
    'Status Category Changed',
    { type: 'datetime', system: 'statuscategorychangedate' },
    { orderable: false, clauseNames: ['statusCategoryChangedDate'] },
  ),
  systemField('parent', 'Parent', undefined, { clauseNames: ['parent'] }),
  systemField('labels', 'Labels', { type: 'array', items: 'string', system: 'labels' }),
  systemField('assignee', 'Assignee', { type: 'user', system: 'assignee' }),
  systemField('reporter', 'Reporter', { type: 'user', system: 'reporter' }),
  systemField(
    'subtasks',
    'Sub-tasks',
    { type: 'array', items: 'issuelinks', system: 'subtasks' },
    {
      orderable: false,
      clauseNames: ['subtasks'],
    },
  ),
  systemField('comment', 'Comment', { type: 'comments-page', system: 'comment' }, { navigable: false }),
];

function guessCategory(name: string, index: number): StatusCategoryKey {
  if (index === 0) return 'new';
  if (/\b(done|closed|resolved|complete[d]?|cancel+ed)\b/i.test(name)) return 'done';
  if (/^(to do|open|backlog|ready|selected|new)\b/i.test(name)) return 'new';
  return 'indeterminate';
}

function buildStatuses(defs: (string | StatusDef)[]): StatusInfo[] {
  if (defs.length === 0) throw new Error('jira emulator: at least one status is needed');
  const statuses = defs.map((def, i) => {
    const name = typeof def === 'string' ? def : def.name;
    const category = typeof def === 'string' ? undefined : def.category;
    return { id: String(10000 + i), name, category: category ?? guessCategory(name, i) };
  });
  assertUnique(
    statuses.map((s) => s.name.toLowerCase()),
    'status',
  );
  return statuses;
}

function assertUnique(values: string[], what: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new Error(`jira emulator: duplicate ${what} '${v}'`);
    seen.add(v);
  }
}

function findStatusIn(statuses: readonly StatusInfo[], name: string): StatusInfo {
  const status = statuses.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!status) throw new Error(`jira emulator: transition refers to unknown status '${name}'`);
  return status;
}

function buildTransitions(option: TransitionDef[] | 'none' | undefined, statuses: StatusInfo[]): TransitionInfo[] {
  if (option === 'none') return [];
  const defs: TransitionDef[] =
    option ??
    statuses.map((s, i) => ({
      id: String(11 + i * 10),
      name: TRANSITION_NAMES[s.name.toLowerCase()] ?? s.name,
      to: s.name,
    }));
  for (const def of defs) {
    if (!/^\d+$/.test(def.id)) throw new Error(`jira emulator: transition id '${def.id}' must be numeric`);
  }
  assertUnique(
    defs.map((d) => d.id),
    'transition id',
  );
  return defs.map((def) => ({
    id: def.id,
    name: def.name,
    to: findStatusIn(statuses, def.to),
    from: def.from ? def.from.map((name) => findStatusIn(statuses, name)) : null,
  }));
}

function customField(def: CustomFieldDef): FieldInfo {
  const match = /^customfield_(\d+)$/.exec(def.id);
  if (!match) throw new Error(`jira emulator: custom field id '${def.id}' must look like customfield_10050`);
  const customId = Number(match[1]);
  return {
    id: def.id,
    name: def.name,
    custom: true,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: [`cf[${customId}]`, def.name],
    schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield', customId },
  };
}

/** Builds the immutable catalog from the options. Throws `Error` for inconsistent options. */
export function buildCatalog(options: JiraEmulatorOptions): Catalog {
  const username = options.username ?? 'bot@example.com';
  const apiToken = options.apiToken ?? 'jira-test-token';
  const projectDefs: ProjectDef[] = options.projects ?? [{ key: 'KHI', name: 'Khitomer' }];
  if (projectDefs.length === 0) throw new Error('jira emulator: at least one project is needed');
  for (const p of projectDefs) {
    // Jira project keys: an uppercase letter, then uppercase letters, digits or underscores.
    if (!/^[A-Z][A-Z0-9_]+$/.test(p.key)) throw new Error(`jira emulator: invalid project key '${p.key}'`);
  }
  assertUnique(
    projectDefs.map((p) => p.key),
    'project key',
  );
  const statuses = buildStatuses(options.statuses ?? DEFAULT_STATUSES);
  const customFields = options.customFields ?? [{ id: 'customfield_10050', name: 'Repository' }];
  assertUnique(
    customFields.map((f) => f.id),
    'custom field id',
  );
  const bot: UserInfo = {
    accountId: '712020:5f3c1d7e-0b6a-4c1e-9a43-b07c0ffee001',
    displayName: 'Khitomer Bot',
    emailAddress: username,
  };
  const human: UserInfo = {
    accountId: '5b10ac8d82e05b22cc7d4ef5',
    displayName: 'Hana Human',
    emailAddress: 'hana.human@example.com',
  };
  return {
    username,
    apiToken,
    bot,
    human,
    users: [bot, human],
    projects: projectDefs.map((p, i) => ({ id: String(10000 + i), key: p.key, name: p.name })),
    statuses,
    issueTypes: ISSUE_TYPES,
    fields: [...SYSTEM_FIELDS, ...customFields.map(customField)],
    customFields,
    transitions: buildTransitions(options.transitions, statuses),
  };
}

/** Status by name (case-insensitive) or id. */
export function findStatus(catalog: Catalog, nameOrId: string): StatusInfo | undefined {
  const lower = nameOrId.toLowerCase();
  return catalog.statuses.find((s) => s.id === nameOrId || s.name.toLowerCase() === lower);
}

/** Project by key, id or name (case-insensitive). */
export function findProject(catalog: Catalog, keyIdOrName: string): ProjectInfo | undefined {
  const lower = keyIdOrName.toLowerCase();
  return catalog.projects.find(
    (p) => p.id === keyIdOrName || p.key.toLowerCase() === lower || p.name.toLowerCase() === lower,
  );
}

/** Issue type by name (case-insensitive) or id. */
export function findIssueType(catalog: Catalog, nameOrId: string): IssueTypeInfo | undefined {
  const lower = nameOrId.toLowerCase();
  return catalog.issueTypes.find((t) => t.id === nameOrId || t.name.toLowerCase() === lower);
}

/** User by account id or (case-insensitive) email address. */
export function findUser(catalog: Catalog, accountIdOrEmail: string): UserInfo | undefined {
  const lower = accountIdOrEmail.toLowerCase();
  return catalog.users.find((u) => u.accountId === accountIdOrEmail || u.emailAddress.toLowerCase() === lower);
}

/** Custom field by id, name (case-insensitive) or JQL `cf[NNNNN]` form. */
export function findCustomField(catalog: Catalog, ref: string): CustomFieldDef | undefined {
  const cf = /^cf\[(\d+)\]$/i.exec(ref.replace(/\s+/g, ''));
  const id = cf ? `customfield_${cf[1]}` : ref;
  const lower = ref.toLowerCase();
  return catalog.customFields.find((f) => f.id === id || f.name.toLowerCase() === lower);
}
