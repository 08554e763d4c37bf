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

/** An ADF mark (e.g. `strong`, `code`, `link`). */
export type AdfMark = NonNullable<AdfNode['marks']>[number];

/** Inline content accepted by the builders: a node, or a string that becomes a text node. */
export type AdfInline = AdfNode | string;

function inline(content: readonly AdfInline[]): AdfNode[] {
  const nodes: AdfNode[] = [];
  for (const item of content) {
    if (typeof item !== 'string') nodes.push(item);
    // Jira rejects empty text nodes, so empty strings are dropped.
    else if (item !== '') nodes.push({ type: 'text', text: item });
  }
  return nodes;
}

/** A document from block nodes (`paragraph`, `heading`, `codeBlock`, `bulletList`). Pure. */
export function adfDoc(...content: AdfNode[]): AdfDocument {
  return { version: 1, type: 'doc', content };
}

/** A paragraph of inline content; strings become text nodes, empty strings are dropped. Pure. */
export function paragraph(...content: AdfInline[]): AdfNode {
  return { type: 'paragraph', content: inline(content) };
}

/** A text node with optional marks (e.g. `[{ type: 'strong' }]`). Pure; `value` must not be empty for Jira. */
export function text(value: string, marks?: AdfMark[]): AdfNode {
  return marks && marks.length > 0 ? { type: 'text', text: value, marks } : { type: 'text', text: value };
}

/** A text node linking to `href`; the link text defaults to the URL. Pure. */
export function link(href: string, label: string = href): AdfNode {
  return text(label === '' ? href : label, [{ type: 'link', attrs: { href } }]);
}

/** A code block (monospace, no formatting), with an optional language for highlighting. Pure. */
export function codeBlock(code: string, language?: string): AdfNode {
  const node: AdfNode = { type: 'codeBlock', content: inline([code]) };
  if (language) node.attrs = { language };
  return node;
}

/** A heading of `level` 1–6 (clamped). Pure. */
export function heading(level: number, ...content: AdfInline[]): AdfNode {
  const clamped = Math.min(6, Math.max(1, Math.trunc(level)));
  return { type: 'heading', attrs: { level: clamped }, content: inline(content) };
}

/**
 * A bullet list; each item is one paragraph, given as a string or as inline nodes. Pure.
 * An empty list is not valid ADF, so callers should skip the list when there are no items.
 */
export function bulletList(items: ReadonlyArray<string | readonly AdfInline[]>): AdfNode {
  return {
    type: 'bulletList',
    content: items.map((item) => ({
      type: 'listItem',
      content: [typeof item === 'string' ? paragraph(item) : paragraph(...item)],
    })),
  };
}
