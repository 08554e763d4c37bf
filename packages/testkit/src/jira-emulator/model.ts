import type { AdfDocument, RemoteLinkObject } from './types.js';

/** One field change inside a changelog entry (Jira's `ChangeDetails`). */
export interface ChangeItemRecord {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

/** A changelog entry (Jira's `Changelog`). Times are epoch ms. */
export interface ChangelogRecord {
  id: string;
  authorAccountId: string;
  created: number;
  items: ChangeItemRecord[];
}

/** A stored comment. */
export interface CommentRecord {
  id: string;
  issueId: string;
  authorAccountId: string;
  body: AdfDocument;
  created: number;
  updated: number;
  properties: Map<string, unknown>;
}

/** A stored remote issue link. */
export interface RemoteLinkRecord {
  id: number;
  globalId: string | null;
  relationship: string | null;
  application: Record<string, unknown> | null;
  object: RemoteLinkObject;
}

/** A stored issue. Times are epoch ms. */
export interface IssueRecord {
  id: string;
  key: string;
  /** The number after the dash, for `ORDER BY key`. */
  number: number;
  projectKey: string;
  issueTypeId: string;
  summary: string;
  description: AdfDocument | null;
  statusId: string;
  labels: string[];
  assigneeAccountId: string | null;
  reporterAccountId: string;
  parentId: string | null;
  /** Custom field values by id (`null` = empty). */
  custom: Map<string, string | null>;
  created: number;
  updated: number;
  statusCategoryChanged: number;
  changelog: ChangelogRecord[];
  comments: CommentRecord[];
  remoteLinks: RemoteLinkRecord[];
  /** Issue (entity) properties by key; setting one does not change `updated`. */
  properties: Map<string, unknown>;
}
