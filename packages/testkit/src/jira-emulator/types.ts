import type { FaultInjector } from '../emulator-support/faults.js';
import type { RequestLog } from '../emulator-support/request-log.js';

/** An Atlassian Document Format node (the emulator accepts any valid ADF, not only this shape). */
export interface AdfNode {
  type: string;
  text?: string;
  content?: AdfNode[];
  attrs?: Record<string, unknown>;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
}

/** An ADF document: `{type: 'doc', version: 1, content}`. */
export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

/** Jira's three status categories (`statusCategory.key`). */
export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

/** A workflow status; a bare string gets its category guessed from the name. */
export interface StatusDef {
  name: string;
  category?: StatusCategoryKey;
}

/** A workflow transition. Without `from` it is global (available from every other status). */
export interface TransitionDef {
  /** Numeric string, as Jira uses (e.g. `"21"`). */
  id: string;
  name: string;
  /** Target status name. */
  to: string;
  /** Status names the transition starts from; absent = global. */
  from?: string[];
}

/** A custom field. Only Jira's single-line text field type is emulated. */
export interface CustomFieldDef {
  /** `customfield_NNNNN`. */
  id: string;
  name: string;
}

/** A Jira project. */
export interface ProjectDef {
  key: string;
  name: string;
}

/** Options of {@link startJiraEmulator}. Every field has a default. */
export interface JiraEmulatorOptions {
  /** Basic-auth user (an email on Jira Cloud). Default `bot@example.com`. */
  username?: string;
  /** Basic-auth API token. Default `jira-test-token`. */
  apiToken?: string;
  /** Default one project `KHI`. The first project is the default of {@link SeedIssueInput.projectKey}. */
  projects?: ProjectDef[];
  /** Workflow statuses; the first is the initial status of created issues. */
  statuses?: (string | StatusDef)[];
  /** Default: one global transition into each status. `'none'` = no transition is ever available. */
  transitions?: TransitionDef[] | 'none';
  /** Default `customfield_10050` named `Repository`. */
  customFields?: CustomFieldDef[];
  /** Seed of the fault injector's random generator. Default 42. */
  seed?: number;
}

/** Input of {@link JiraEmulator.seedIssue}. */
export interface SeedIssueInput {
  summary: string;
  /** Plain text (one paragraph per line) or an ADF document. */
  description?: string | AdfDocument;
  /** Status name; default the first workflow status. */
  status?: string;
  /** Default the first configured project. */
  projectKey?: string;
  /** Value of the custom field named `Repository`. */
  repository?: string;
  /** Further custom field values by field id (`customfield_NNNNN`). */
  fields?: Record<string, string | null>;
  /** Issue type name; default `Task`. `Sub-task` needs `parentKey`. */
  issueType?: string;
  parentKey?: string;
  labels?: string[];
  /** Account id of the assignee. */
  assigneeAccountId?: string;
}

/** One field change of a changelog entry. */
export interface EmulatedChangeItem {
  field: string;
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

/** A changelog entry as the control API reports it. */
export interface EmulatedChange {
  id: string;
  authorAccountId: string;
  /** ISO 8601 (UTC). */
  created: string;
  items: EmulatedChangeItem[];
}

/** Snapshot of an issue for assertions. */
export interface EmulatedIssue {
  id: string;
  key: string;
  projectKey: string;
  issueType: string;
  summary: string;
  description: AdfDocument | null;
  /** Plain text of the description. */
  descriptionText: string;
  status: string;
  labels: string[];
  assigneeAccountId: string | null;
  parentKey: string | null;
  /** Custom field values by id. */
  customFields: Record<string, string | null>;
  /** ISO 8601 (UTC). */
  created: string;
  updated: string;
  statusCategoryChangedAt: string;
  changelog: EmulatedChange[];
  /** Issue (entity) properties by key. */
  properties: Record<string, unknown>;
}

/** Snapshot of a comment for assertions. */
export interface EmulatedComment {
  id: string;
  body: AdfDocument;
  /** Plain text extracted from the ADF body. */
  text: string;
  authorAccountId: string;
  created: string;
  updated: string;
  /** Comment properties by key. */
  properties: Record<string, unknown>;
}

/** The `object` of a remote link. */
export interface RemoteLinkObject {
  url: string;
  title: string;
  summary?: string;
  icon?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** Snapshot of a remote link. */
export interface EmulatedRemoteLink {
  id: number;
  globalId: string | null;
  relationship: string | null;
  application: Record<string, unknown> | null;
  object: RemoteLinkObject;
}

/** A transition performed through `POST /rest/api/3/issue/{key}/transitions`. */
export interface AppliedTransition {
  issueKey: string;
  transitionId: string;
  transitionName: string;
  from: string;
  to: string;
  /** ISO 8601 (UTC). */
  at: string;
}

/** A running Jira emulator. */
export interface JiraEmulator {
  /** Base URL (no trailing slash) to use as jira.js `host`. */
  readonly url: string;
  /** The basic-auth credentials it accepts. */
  readonly credentials: { username: string; apiToken: string };
  /** Every `/rest/*` request received (control API excluded). */
  readonly requests: RequestLog;
  /** Faults applied to every `/rest/*` request (not to the control API). */
  readonly faults: FaultInjector;
  /** Transitions done through the REST API, in order. */
  readonly transitionsApplied: readonly AppliedTransition[];
  /**
   * Creates an issue directly (no changelog entry) and returns its key (`KHI-1`, `KHI-2`, …).
   * Throws `Error` for an unknown project, status, issue type, field or parent.
   */
  seedIssue(input: SeedIssueInput): string;
  /**
   * Moves an issue to `status` as a human would in the UI (ignores the workflow), recording a
   * changelog entry by the human user. No-op when already there. Throws for unknown key/status.
   */
  moveIssue(key: string, status: string): void;
  /** Snapshot of an issue. Throws for an unknown key. */
  getIssue(key: string): EmulatedIssue;
  /** Comments of an issue, oldest first. Throws for an unknown key. */
  comments(key: string): EmulatedComment[];
  /** Remote links of an issue. Throws for an unknown key. */
  remoteLinks(key: string): EmulatedRemoteLink[];
  /** Stops the server and drops open connections (also hung ones). Idempotent. */
  close(): Promise<void>;
}
