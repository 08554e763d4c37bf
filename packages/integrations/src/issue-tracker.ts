import type { AdfDocument } from './adf.js';

/** A Jira issue as the product needs it. */
export interface TrackerIssue {
  key: string;
  id: string;
  projectKey: string;
  summary: string;
  /** Description as plain text (ADF rendered to text, hidden content stripped). */
  description: string;
  /** Status name, e.g. `Ready for Development`. */
  status: string;
  /** ISO timestamp of the last update. */
  updated: string;
  /** ISO timestamp of creation. */
  created: string;
  /** ISO timestamp when the status last changed (`statuscategorychangedate` or changelog), if known. */
  statusChangedAt: string | null;
  /** Raw values of any extra fields requested (keyed by field id). */
  fields: Record<string, unknown>;
  /**
   * Values of the issue properties requested with `SearchOptions.properties` (keyed by property
   * key); a requested property the issue does not have is absent. Empty when none were requested.
   */
  properties: Record<string, unknown>;
  /** Parent key for sub-tasks. */
  parentKey: string | null;
  issueType: string;
}

/** A comment on an issue. */
export interface TrackerComment {
  id: string;
  /** Plain text of the ADF body. */
  text: string;
  created: string;
  /** Marker found in the comment (see {@link IssueTracker.addComment}), if any. */
  marker: string | null;
}

/** A field of the Jira instance (`/rest/api/3/field`). */
export interface TrackerField {
  id: string;
  name: string;
  custom: boolean;
}

/** Search options. */
export interface SearchOptions {
  /** Field ids to return in `TrackerIssue.fields` in addition to the standard ones. */
  extraFields?: string[];
  /**
   * Issue property keys whose values to return in `TrackerIssue.properties` (Jira returns at most
   * 5 per search; more is refused with `bad_input`).
   */
  properties?: string[];
  /**
   * Page size per request (the adapter pages with nextPageToken until done). Default 100, the
   * most Jira returns per page when fields are requested.
   */
  pageSize?: number;
  /** Stop after this many issues. */
  limit?: number;
}

/**
 * The issue tracker (Jira Cloud REST v3). Every method throws `IntegrationError`:
 * retryable codes for 429/5xx/network, non-retryable for 4xx.
 */
export interface IssueTracker {
  /** Checks credentials and reachability (`GET /myself`). */
  ping(signal?: AbortSignal): Promise<void>;
  /** All fields of the instance. */
  listFields(): Promise<TrackerField[]>;
  /** Runs JQL through the enhanced search endpoint, following `nextPageToken`. */
  searchIssues(jql: string, options?: SearchOptions): Promise<TrackerIssue[]>;
  /** One issue; `extraFields` as in search. */
  getIssue(key: string, extraFields?: string[]): Promise<TrackerIssue>;
  /**
   * Adds an ADF comment. With `marker`, the marker is stored with the comment (comment property
   * `khitomer`) so {@link listComments} can find it, and the call is idempotent: when a comment
   * with that marker already exists its id is returned and nothing is posted (used to post a
   * comment exactly once, also across activity retries).
   */
  addComment(key: string, body: AdfDocument, options?: { marker?: string }): Promise<{ id: string }>;
  /** All comments, oldest first. */
  listComments(key: string): Promise<TrackerComment[]>;
  /**
   * Moves the issue through the transition whose target status is `statusName` (case-insensitive).
   * Returns false, without error, when no such transition is available; true when moved or
   * already in that status.
   */
  transitionTo(key: string, statusName: string): Promise<boolean>;
  /** Adds (or updates, by `globalId`) a remote link. Idempotent per globalId. */
  addRemoteLink(key: string, link: { url: string; title: string; globalId: string }): Promise<void>;
  /** When the issue last entered `statusName` (from the changelog); null if never. */
  statusEnteredAt(key: string, statusName: string): Promise<string | null>;
  /**
   * Sets the issue property `propertyKey` to `value` (JSON, at most 32 KB), replacing any
   * previous value. Idempotent. Issue properties are invisible to readers of the ticket and are
   * returned by {@link searchIssues} when asked for with `SearchOptions.properties`.
   */
  setIssueProperty(key: string, propertyKey: string, value: unknown): Promise<void>;
}
