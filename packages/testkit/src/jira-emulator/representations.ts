import { type Catalog, findUser, STATUS_CATEGORIES, type TransitionInfo } from './catalog.js';
import type { FieldSelection } from './field-selection.js';
import { formatJiraDateTime } from './jira-time.js';
import type { ChangelogRecord, CommentRecord, IssueRecord, RemoteLinkRecord } from './model.js';

/** A JSON object as sent on the wire. */
export type Json = Record<string, unknown>;

/** Lookups the renderer needs from the store. */
export interface IssueLookup {
  issueById(id: string): IssueRecord | undefined;
  subtasksOf(id: string): IssueRecord[];
}

/**
 * Renders records in Jira Cloud REST v3 shapes (`self` links point at the emulator).
 * Shapes follow https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/
 */
export class Renderer {
  constructor(
    private readonly baseUrl: string,
    private readonly catalog: Catalog,
    private readonly lookup: IssueLookup,
  ) {}

  /** Absolute URL of a REST v3 path on the emulator. */
  apiUrl(path: string): string {
    return `${this.baseUrl}/rest/api/3${path}`;
  }

  private avatarUrls(seed: string): Json {
    const base = `${this.baseUrl}/secure/useravatar?avatarId=${encodeURIComponent(seed)}`;
    return {
      '48x48': base,
      '24x24': `${base}&size=small`,
      '16x16': `${base}&size=xsmall`,
      '32x32': `${base}&size=medium`,
    };
  }

  /** A user (`UserDetails`); unknown account ids render as an inactive user. */
  user(accountId: string): Json {
    const user = findUser(this.catalog, accountId);
    return {
      self: this.apiUrl(`/user?accountId=${encodeURIComponent(accountId)}`),
      accountId,
      emailAddress: user?.emailAddress,
      avatarUrls: this.avatarUrls(accountId),
      displayName: user?.displayName ?? 'Former user',
      active: user !== undefined,
      timeZone: 'Etc/UTC',
      accountType: 'atlassian',
    };
  }

  /** `GET /myself`. */
  myself(): Json {
    return {
      ...this.user(this.catalog.bot.accountId),
      locale: 'en_US',
      groups: { size: 1, items: [] },
      applicationRoles: { size: 1, items: [] },
      expand: 'groups,applicationRoles',
    };
  }

  /** A status with its category (`StatusDetails`). */
  status(statusId: string): Json {
    const status = this.catalog.statuses.find((s) => s.id === statusId);
    if (!status) throw new Error(`unknown status id ${statusId}`);
    const category = STATUS_CATEGORIES[status.category];
    return {
      self: this.apiUrl(`/status/${status.id}`),
      description: '',
      iconUrl: `${this.baseUrl}/images/icons/statuses/generic.png`,
      name: status.name,
      untranslatedName: status.name,
      id: status.id,
      statusCategory: {
        self: this.apiUrl(`/statuscategory/${category.id}`),
        id: category.id,
        key: status.category,
        colorName: category.colorName,
        name: category.name,
      },
    };
  }

  /** A project reference. */
  project(key: string): Json {
    const project = this.catalog.projects.find((p) => p.key === key);
    if (!project) throw new Error(`unknown project ${key}`);
    return {
      self: this.apiUrl(`/project/${project.id}`),
      id: project.id,
      key: project.key,
      name: project.name,
      projectTypeKey: 'software',
      simplified: false,
      avatarUrls: this.avatarUrls(`project-${project.id}`),
    };
  }

  /** An issue type. */
  issueType(id: string): Json {
    const type = this.catalog.issueTypes.find((t) => t.id === id);
    if (!type) throw new Error(`unknown issue type ${id}`);
    return {
      self: this.apiUrl(`/issuetype/${type.id}`),
      id: type.id,
      description: type.description,
      iconUrl: `${this.baseUrl}/images/icons/issuetypes/${type.name.toLowerCase()}.svg`,
      name: type.name,
      subtask: type.subtask,
      hierarchyLevel: type.hierarchyLevel,
    };
  }

  /** The `self` URL of an issue. */
  issueSelf(issue: IssueRecord): string {
    return this.apiUrl(`/issue/${issue.id}`);
  }

  /** The short form used for `parent` and `subtasks`. */
  private issueRef(issue: IssueRecord): Json {
    return {
      id: issue.id,
      key: issue.key,
      self: this.issueSelf(issue),
      fields: {
        summary: issue.summary,
        status: this.status(issue.statusId),
        issuetype: this.issueType(issue.issueTypeId),
      },
    };
  }

  /** A comment; `properties` only with `expand=properties`. */
  comment(issue: IssueRecord, comment: CommentRecord, withProperties: boolean): Json {
    return {
      self: this.apiUrl(`/issue/${issue.id}/comment/${comment.id}`),
      id: comment.id,
      author: this.user(comment.authorAccountId),
      body: comment.body,
      updateAuthor: this.user(comment.authorAccountId),
      created: formatJiraDateTime(comment.created),
      updated: formatJiraDateTime(comment.updated),
      jsdPublic: true,
      ...(withProperties ? { properties: [...comment.properties].map(([key, value]) => ({ key, value })) } : {}),
    };
  }

  /** A changelog entry (`Changelog`). */
  changelog(entry: ChangelogRecord): Json {
    return {
      id: entry.id,
      author: this.user(entry.authorAccountId),
      created: formatJiraDateTime(entry.created),
      items: entry.items.map((item) => ({ ...item })),
    };
  }

  /** A transition (`IssueTransition`); the emulator's transitions have no screens or conditions. */
  transition(transition: TransitionInfo): Json {
    return {
      id: transition.id,
      name: transition.name,
      to: this.status(transition.to.id),
      hasScreen: false,
      isGlobal: transition.from === null,
      isInitial: false,
      isAvailable: true,
      isConditional: false,
      isLooped: false,
    };
  }

  /** A remote link. */
  remoteLink(issue: IssueRecord, link: RemoteLinkRecord): Json {
    return {
      id: link.id,
      self: this.apiUrl(`/issue/${issue.key}/remotelink/${link.id}`),
      ...(link.globalId !== null ? { globalId: link.globalId } : {}),
      ...(link.application !== null ? { application: link.application } : {}),
      ...(link.relationship !== null ? { relationship: link.relationship } : {}),
      object: link.object,
    };
  }

  /** The value of one field of an issue; `undefined` = not present at all (e.g. no parent). */
  private fieldValue(issue: IssueRecord, fieldId: string): unknown {
    switch (fieldId) {
      case 'summary':
        return issue.summary;
      case 'description':
        return issue.description;
      case 'status':
        return this.status(issue.statusId);
      case 'project':
        return this.project(issue.projectKey);
      case 'issuetype':
        return this.issueType(issue.issueTypeId);
      case 'created':
        return formatJiraDateTime(issue.created);
      case 'updated':
        return formatJiraDateTime(issue.updated);
      case 'statuscategorychangedate':
        return formatJiraDateTime(issue.statusCategoryChanged);
      case 'parent': {
        const parent = issue.parentId ? this.lookup.issueById(issue.parentId) : undefined;
        return parent ? this.issueRef(parent) : undefined;
      }
      case 'labels':
        return [...issue.labels];
      case 'assignee':
        return issue.assigneeAccountId ? this.user(issue.assigneeAccountId) : null;
      case 'reporter':
        return this.user(issue.reporterAccountId);
      case 'subtasks':
        return this.lookup.subtasksOf(issue.id).map((s) => this.issueRef(s));
      case 'comment':
        return {
          comments: issue.comments.map((c) => this.comment(issue, c, false)),
          self: this.apiUrl(`/issue/${issue.id}/comment`),
          maxResults: issue.comments.length,
          total: issue.comments.length,
          startAt: 0,
        };
      default:
        return fieldId.startsWith('customfield_') ? (issue.custom.get(fieldId) ?? null) : undefined;
    }
  }

  /**
   * An issue (`IssueBean`) with the selected fields. `expand` may contain `changelog`, `names`
   * and `transitions` (the latter computed by the caller and passed in). `properties` are the
   * issue property keys asked for; those the issue has come back in `properties`.
   */
  issue(
    issue: IssueRecord,
    selection: FieldSelection,
    expand: ReadonlySet<string>,
    transitions?: () => Json[],
    properties: readonly string[] = [],
  ): Json {
    const propertyValues = (): Json =>
      Object.fromEntries(properties.filter((k) => issue.properties.has(k)).map((k) => [k, issue.properties.get(k)]));
    if (selection.mode === 'id')
      return properties.length > 0 ? { id: issue.id, properties: propertyValues() } : { id: issue.id };
    const fields: Json = {};
    for (const field of this.catalog.fields) {
      if (!selection.fieldIds.has(field.id)) continue;
      const value = this.fieldValue(issue, field.id);
      if (value !== undefined) fields[field.id] = value;
    }
    const body: Json = {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: issue.id,
      self: this.apiUrl(`/issue/${issue.id}`),
      key: issue.key,
      fields,
    };
    if (properties.length > 0) body.properties = propertyValues();
    if (expand.has('names')) body.names = this.names(Object.keys(fields));
    if (expand.has('transitions') && transitions) body.transitions = transitions();
    if (expand.has('changelog')) {
      // "changelog: a list of recent updates to an issue, sorted by date, starting from the most recent."
      // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get
      const histories = [...issue.changelog].reverse().slice(0, 100);
      body.changelog = {
        startAt: 0,
        maxResults: histories.length,
        total: issue.changelog.length,
        histories: histories.map((h) => this.changelog(h)),
      };
    }
    return body;
  }

  /** `names` expansion: field id → display name. */
  names(fieldIds: string[]): Json {
    const names: Json = {};
    for (const id of fieldIds) {
      const field = this.catalog.fields.find((f) => f.id === id);
      if (field) names[id] = field.name;
    }
    return names;
  }

  /** `GET /field` entries. */
  fieldList(): Json[] {
    return this.catalog.fields.map((f) => ({
      id: f.id,
      key: f.id,
      name: f.name,
      ...(f.custom ? { untranslatedName: f.name } : {}),
      custom: f.custom,
      orderable: f.orderable,
      navigable: f.navigable,
      searchable: f.searchable,
      clauseNames: f.clauseNames,
      ...(f.schema ? { schema: f.schema } : {}),
    }));
  }
}
