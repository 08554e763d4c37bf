import { adfToPlainText, plainTextToAdf, validateAdfDocument } from './adf.js';
import { findIssueType, findProject, findStatus, findUser } from './catalog.js';
import { isoDateTime } from './jira-time.js';
import type { IssueRecord } from './model.js';
import { type JiraStore, parentProblem } from './store.js';
import type { AdfDocument, EmulatedComment, EmulatedIssue, EmulatedRemoteLink, SeedIssueInput } from './types.js';

/** Thrown by the control API for an issue key that does not exist. */
export class UnknownIssueError extends Error {
  constructor(key: string) {
    super(`jira emulator: no issue '${key}'`);
    this.name = 'UnknownIssueError';
  }
}

/**
 * The control API behind both the emulator object's methods and `/_emulator/*`: seeds and moves
 * issues like a human would and returns snapshots for assertions. Every method throws `Error`
 * with a readable message for bad input; none of them is subject to fault injection.
 */
export class EmulatorControl {
  constructor(private readonly store: JiraStore) {}

  private require(key: string): IssueRecord {
    const issue = this.store.findIssue(key);
    if (!issue) throw new UnknownIssueError(key);
    return issue;
  }

  /** Creates an issue and returns its key. See {@link SeedIssueInput}. */
  seedIssue(input: SeedIssueInput): string {
    const { catalog } = this.store;
    if (typeof input.summary !== 'string' || input.summary.trim() === '') {
      throw new Error('jira emulator: seedIssue needs a summary');
    }
    const project = findProject(catalog, input.projectKey ?? (catalog.projects[0]?.key as string));
    if (!project) throw new Error(`jira emulator: unknown project '${input.projectKey}'`);
    const issueType = findIssueType(catalog, input.issueType ?? 'Task');
    if (!issueType) throw new Error(`jira emulator: unknown issue type '${input.issueType}'`);
    const status = input.status === undefined ? undefined : findStatus(catalog, input.status);
    if (input.status !== undefined && !status) throw new Error(`jira emulator: unknown status '${input.status}'`);
    const parent = input.parentKey === undefined ? null : this.require(input.parentKey);
    const problem = parentProblem(issueType, parent, catalog);
    if (problem) throw new Error(`jira emulator: ${problem}`);
    let description: AdfDocument | null = null;
    if (typeof input.description === 'string') description = plainTextToAdf(input.description);
    else if (input.description !== undefined) {
      const adfProblem = validateAdfDocument(input.description);
      if (adfProblem) throw new Error(`jira emulator: invalid ADF description: ${adfProblem}`);
      description = input.description;
    }
    const custom = new Map<string, string | null>();
    for (const [id, value] of Object.entries(input.fields ?? {})) {
      if (!catalog.customFields.some((f) => f.id === id))
        throw new Error(`jira emulator: unknown custom field '${id}'`);
      custom.set(id, value);
    }
    if (input.repository !== undefined) {
      const field = catalog.customFields.find((f) => f.name.toLowerCase() === 'repository');
      if (!field) throw new Error("jira emulator: no custom field named 'Repository' is configured");
      custom.set(field.id, input.repository);
    }
    const labels = input.labels ?? [];
    const spaced = labels.find((l) => /\s/.test(l));
    if (spaced !== undefined) throw new Error(`jira emulator: label '${spaced}' contains spaces`);
    if (input.assigneeAccountId !== undefined && !findUser(catalog, input.assigneeAccountId)) {
      throw new Error(`jira emulator: unknown account '${input.assigneeAccountId}'`);
    }
    return this.store.createIssue({
      projectKey: project.key,
      issueType,
      summary: input.summary,
      description,
      status,
      labels,
      assigneeAccountId: input.assigneeAccountId ?? null,
      reporterAccountId: catalog.human.accountId,
      parent,
      custom,
    }).key;
  }

  /** Moves an issue to a status as the human user, bypassing the workflow. */
  moveIssue(key: string, statusName: string): void {
    const issue = this.require(key);
    const status = findStatus(this.store.catalog, statusName);
    if (!status) throw new Error(`jira emulator: unknown status '${statusName}'`);
    this.store.setStatus(issue, status, this.store.catalog.human.accountId);
  }

  /** Snapshot of one issue. */
  getIssue(key: string): EmulatedIssue {
    const issue = this.require(key);
    const parent = issue.parentId ? this.store.issueById(issue.parentId) : undefined;
    return structuredClone({
      id: issue.id,
      key: issue.key,
      projectKey: issue.projectKey,
      issueType: this.store.catalog.issueTypes.find((t) => t.id === issue.issueTypeId)?.name ?? issue.issueTypeId,
      summary: issue.summary,
      description: issue.description,
      descriptionText: adfToPlainText(issue.description),
      status: this.store.statusOf(issue).name,
      labels: issue.labels,
      assigneeAccountId: issue.assigneeAccountId,
      parentKey: parent?.key ?? null,
      customFields: Object.fromEntries(issue.custom),
      created: isoDateTime(issue.created),
      updated: isoDateTime(issue.updated),
      statusCategoryChangedAt: isoDateTime(issue.statusCategoryChanged),
      changelog: issue.changelog.map((entry) => ({
        id: entry.id,
        authorAccountId: entry.authorAccountId,
        created: isoDateTime(entry.created),
        items: entry.items.map((item) => ({
          field: item.field,
          fieldId: item.fieldId,
          from: item.from,
          fromString: item.fromString,
          to: item.to,
          toString: item.toString,
        })),
      })),
      properties: Object.fromEntries(issue.properties),
    });
  }

  /** Snapshot of every issue, in creation order. */
  listIssues(): EmulatedIssue[] {
    return this.store.all().map((issue) => this.getIssue(issue.key));
  }

  /** Comments of an issue with their plain text. */
  comments(key: string): EmulatedComment[] {
    return this.require(key).comments.map((c) =>
      structuredClone({
        id: c.id,
        body: c.body,
        text: adfToPlainText(c.body),
        authorAccountId: c.authorAccountId,
        created: isoDateTime(c.created),
        updated: isoDateTime(c.updated),
        properties: Object.fromEntries(c.properties),
      }),
    );
  }

  /** Remote links of an issue. */
  remoteLinks(key: string): EmulatedRemoteLink[] {
    return structuredClone(this.require(key).remoteLinks);
  }
}
