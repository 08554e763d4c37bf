/**
 * Atlassian Document Format types (the subset we write). Jira Cloud v3 comments must be ADF.
 * https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */

/** An ADF node. */
export interface AdfNode {
  type: string;
  text?: string;
  content?: AdfNode[];
  attrs?: Record<string, unknown>;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
}

/** An ADF document (`{version: 1, type: 'doc', content}`). */
export interface AdfDocument {
  version: 1;
  type: 'doc';
  content: AdfNode[];
}
