import { adfToPlainText } from './adf.js';
import { type Catalog, findUser, type IssueTypeInfo, type StatusInfo, type TransitionInfo } from './catalog.js';
import { issueNotFound } from './jira-error.js';
import type { ChangeItemRecord, ChangelogRecord, CommentRecord, IssueRecord, RemoteLinkRecord } from './model.js';
import type { AdfDocument, AppliedTransition, RemoteLinkObject } from './types.js';

/** A new issue with every reference already resolved. */
export interface NewIssue {
  projectKey: string;
  issueType: IssueTypeInfo;
  summary: string;
  description: AdfDocument | null;
  /** Default: the first workflow status. */
  status?: StatusInfo;
  labels: string[];
  assigneeAccountId: string | null;
  reporterAccountId: string;
  parent: IssueRecord | null;
  custom: Map<string, string | null>;
}

/** Field edits; absent members are left alone. */
export interface IssueChanges {
  summary?: string;
  description?: AdfDocument | null;
  labels?: string[];
  assigneeAccountId?: string | null;
  custom?: Map<string, string | null>;
}

/** Input of {@link JiraStore.upsertRemoteLink}. */
export interface RemoteLinkInput {
  globalId: string | null;
  relationship: string | null;
  application: Record<string, unknown> | null;
  object: RemoteLinkObject;
}

/**
 * Checks Jira's hierarchy rule for a parent: sub-tasks need a standard-level parent, standard
 * issues may only have an epic parent, epics have none. Returns a message or null.
 */
export function parentProblem(type: IssueTypeInfo, parent: IssueRecord | null, catalog: Catalog): string | null {
  if (type.subtask && !parent) return 'Sub-tasks must be created with a parent.';
  if (!parent) return null;
  const parentType = catalog.issueTypes.find((t) => t.id === parent.issueTypeId);
  if (parentType?.hierarchyLevel !== type.hierarchyLevel + 1) {
    return 'Given parent work item does not belong to appropriate hierarchy.';
  }
  return null;
}

/** The in-memory Jira instance: issues with comments, changelog and remote links. */
export class JiraStore {
  private readonly issues: IssueRecord[] = [];
  private readonly projectCounters = new Map<string, number>();
  private nextIssueId = 10001;
  private nextCommentId = 10000;
  private nextChangelogId = 10000;
  private nextRemoteLinkId = 10000;
  /** Transitions performed through the REST API. */
  readonly applied: AppliedTransition[] = [];

  constructor(
    readonly catalog: Catalog,
    /** Epoch ms; strictly increasing (see `monotonicClock`). */
    readonly now: () => number,
  ) {}

  /** All issues in creation order. */
  all(): readonly IssueRecord[] {
    return this.issues;
  }

  /** Issue by key (case-insensitive) or numeric id. */
  findIssue(keyOrId: string): IssueRecord | undefined {
    const upper = keyOrId.toUpperCase();
    return this.issues.find((i) => i.id === keyOrId || i.key === upper);
  }

  /** Like {@link findIssue} but throws Jira's 404 `JiraApiError`. */
  requireIssue(keyOrId: string): IssueRecord {
    const issue = this.findIssue(keyOrId);
    if (!issue) throw issueNotFound();
    return issue;
  }

  /** Issue by numeric id. */
  issueById(id: string): IssueRecord | undefined {
    return this.issues.find((i) => i.id === id);
  }

  /** Sub-tasks of an issue (children of sub-task type; issues under an epic are not sub-tasks). */
  subtasksOf(id: string): IssueRecord[] {
    const subtaskTypes = new Set(this.catalog.issueTypes.filter((t) => t.subtask).map((t) => t.id));
    return this.issues.filter((i) => i.parentId === id && subtaskTypes.has(i.issueTypeId));
  }

  /** The status record of an issue. */
  statusOf(issue: IssueRecord): StatusInfo {
    const status = this.catalog.statuses.find((s) => s.id === issue.statusId);
    if (!status) throw new Error(`issue ${issue.key} has unknown status id ${issue.statusId}`);
    return status;
  }

  /** Creates an issue (no changelog entry, as Jira). Keys are `<PROJECT>-<n>` per project. */
  createIssue(input: NewIssue): IssueRecord {
    const number = (this.projectCounters.get(input.projectKey) ?? 0) + 1;
    this.projectCounters.set(input.projectKey, number);
    const now = this.now();
    const status = input.status ?? (this.catalog.statuses[0] as StatusInfo);
    const issue: IssueRecord = {
      id: String(this.nextIssueId++),
      key: `${input.projectKey}-${number}`,
      number,
      projectKey: input.projectKey,
      issueTypeId: input.issueType.id,
      summary: input.summary,
      description: input.description,
      statusId: status.id,
      labels: [...input.labels],
      assigneeAccountId: input.assigneeAccountId,
      reporterAccountId: input.reporterAccountId,
      parentId: input.parent?.id ?? null,
      custom: new Map(this.catalog.customFields.map((f) => [f.id, input.custom.get(f.id) ?? null])),
      created: now,
      updated: now,
      statusCategoryChanged: now,
      changelog: [],
      comments: [],
      remoteLinks: [],
      properties: new Map(),
    };
    this.issues.push(issue);
    return issue;
  }

  private record(issue: IssueRecord, actor: string, items: ChangeItemRecord[]): ChangelogRecord | null {
    if (items.length === 0) return null;
    const entry: ChangelogRecord = {
      id: String(this.nextChangelogId++),
      authorAccountId: actor,
      created: this.now(),
      items,
    };
    issue.changelog.push(entry);
    issue.updated = entry.created;
    return entry;
  }

  private displayName(accountId: string | null): string | null {
    if (accountId === null) return null;
    return findUser(this.catalog, accountId)?.displayName ?? accountId;
  }

  /** Applies field edits, recording one changelog entry for what actually changed. */
  editIssue(issue: IssueRecord, changes: IssueChanges, actor: string): void {
    const items: ChangeItemRecord[] = [];
    const text = (field: string, fieldId: string, from: string | null, to: string | null, custom = false) => {
      if (from === to) return;
      items.push({
        field,
        fieldtype: custom ? 'custom' : 'jira',
        fieldId,
        from: null,
        fromString: from,
        to: null,
        toString: to,
      });
    };
    if (changes.summary !== undefined) {
      text('summary', 'summary', issue.summary, changes.summary);
      issue.summary = changes.summary;
    }
    if (changes.description !== undefined) {
      const before = issue.description ? adfToPlainText(issue.description) : null;
      const after = changes.description ? adfToPlainText(changes.description) : null;
      if (JSON.stringify(issue.description) !== JSON.stringify(changes.description)) {
        items.push({
          field: 'description',
          fieldtype: 'jira',
          fieldId: 'description',
          from: null,
          fromString: before,
          to: null,
          toString: after,
        });
      }
      issue.description = changes.description;
    }
    if (changes.labels !== undefined) {
      const before = issue.labels.join(' ');
      const after = changes.labels.join(' ');
      text('labels', 'labels', before || null, after || null);
      issue.labels = [...changes.labels];
    }
    if (changes.assigneeAccountId !== undefined && changes.assigneeAccountId !== issue.assigneeAccountId) {
      items.push({
        field: 'assignee',
        fieldtype: 'jira',
        fieldId: 'assignee',
        from: issue.assigneeAccountId,
        fromString: this.displayName(issue.assigneeAccountId),
        to: changes.assigneeAccountId,
        toString: this.displayName(changes.assigneeAccountId),
      });
      issue.assigneeAccountId = changes.assigneeAccountId;
    }
    for (const [id, value] of changes.custom ?? []) {
      const def = this.catalog.customFields.find((f) => f.id === id);
      text(def?.name ?? id, id, issue.custom.get(id) ?? null, value, true);
      issue.custom.set(id, value);
    }
    this.record(issue, actor, items);
  }

  /**
   * Sets the status, recording a changelog entry. `statuscategorychangedate` moves only when
   * the status category changes, as its name says. Returns null when already in that status.
   */
  setStatus(issue: IssueRecord, status: StatusInfo, actor: string): ChangelogRecord | null {
    const before = this.statusOf(issue);
    if (before.id === status.id) return null;
    issue.statusId = status.id;
    const entry = this.record(issue, actor, [
      {
        field: 'status',
        fieldtype: 'jira',
        fieldId: 'status',
        from: before.id,
        fromString: before.name,
        to: status.id,
        toString: status.name,
      },
    ]);
    if (entry && before.category !== status.category) issue.statusCategoryChanged = entry.created;
    return entry;
  }

  /** Transitions available from the issue's current status. */
  availableTransitions(issue: IssueRecord): TransitionInfo[] {
    return this.catalog.transitions.filter((t) =>
      t.from === null ? t.to.id !== issue.statusId : t.from.some((s) => s.id === issue.statusId),
    );
  }

  /** Adds a comment (and bumps the issue's `updated`, as Jira does). */
  addComment(issue: IssueRecord, body: AdfDocument, actor: string, properties: Map<string, unknown>): CommentRecord {
    const now = this.now();
    const comment: CommentRecord = {
      id: String(this.nextCommentId++),
      issueId: issue.id,
      authorAccountId: actor,
      body,
      created: now,
      updated: now,
      properties,
    };
    issue.comments.push(comment);
    issue.updated = now;
    return comment;
  }

  /** A comment and its issue by comment id. */
  findComment(id: string): { issue: IssueRecord; comment: CommentRecord } | undefined {
    for (const issue of this.issues) {
      const comment = issue.comments.find((c) => c.id === id);
      if (comment) return { issue, comment };
    }
    return undefined;
  }

  /** Creates a remote link, or updates the one with the same `globalId`. */
  upsertRemoteLink(issue: IssueRecord, input: RemoteLinkInput): { link: RemoteLinkRecord; created: boolean } {
    const existing = input.globalId !== null ? issue.remoteLinks.find((l) => l.globalId === input.globalId) : undefined;
    if (existing) {
      existing.relationship = input.relationship;
      existing.application = input.application;
      existing.object = input.object;
      return { link: existing, created: false };
    }
    const link: RemoteLinkRecord = { id: this.nextRemoteLinkId++, ...input };
    issue.remoteLinks.push(link);
    return { link, created: true };
  }
}
