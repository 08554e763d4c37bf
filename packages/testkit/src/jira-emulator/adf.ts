import type { AdfDocument, AdfNode } from './types.js';

// Node and mark names from the ADF structure reference:
// https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
const INLINE_NODES = new Set([
  'text',
  'hardBreak',
  'mention',
  'emoji',
  'inlineCard',
  'date',
  'status',
  'placeholder',
  'mediaInline',
  'inlineExtension',
]);
const TOP_LEVEL_BLOCKS = new Set([
  'paragraph',
  'heading',
  'bulletList',
  'orderedList',
  'codeBlock',
  'blockquote',
  'rule',
  'panel',
  'table',
  'mediaSingle',
  'mediaGroup',
  'expand',
  'taskList',
  'decisionList',
  'blockCard',
  'embedCard',
  'extension',
  'bodiedExtension',
  'layoutSection',
]);
const NESTED_NODES = new Set([
  'listItem',
  'tableRow',
  'tableCell',
  'tableHeader',
  'media',
  'taskItem',
  'decisionItem',
  'nestedExpand',
  'layoutColumn',
]);
const MARKS = new Set([
  'strong',
  'em',
  'code',
  'link',
  'strike',
  'underline',
  'textColor',
  'backgroundColor',
  'subsup',
  'alignment',
  'indentation',
  'border',
  'annotation',
  'breakout',
  'dataConsumer',
  'fragment',
]);

/** Children a node type must have (by type); types not listed accept any known node. */
const ALLOWED_CHILDREN: Record<string, (childType: string) => boolean> = {
  doc: (t) => TOP_LEVEL_BLOCKS.has(t),
  paragraph: (t) => INLINE_NODES.has(t),
  heading: (t) => INLINE_NODES.has(t),
  codeBlock: (t) => t === 'text',
  bulletList: (t) => t === 'listItem',
  orderedList: (t) => t === 'listItem',
  listItem: (t) => ['paragraph', 'bulletList', 'orderedList', 'codeBlock', 'mediaSingle', 'taskList'].includes(t),
  blockquote: (t) => ['paragraph', 'bulletList', 'orderedList', 'codeBlock', 'mediaSingle', 'mediaGroup'].includes(t),
  table: (t) => t === 'tableRow',
  tableRow: (t) => t === 'tableCell' || t === 'tableHeader',
  taskList: (t) => t === 'taskItem' || t === 'taskList',
  taskItem: (t) => INLINE_NODES.has(t),
  decisionList: (t) => t === 'decisionItem',
  decisionItem: (t) => INLINE_NODES.has(t),
  mediaSingle: (t) => t === 'media',
  mediaGroup: (t) => t === 'media',
  panel: (t) => !INLINE_NODES.has(t),
  expand: (t) => !INLINE_NODES.has(t),
  nestedExpand: (t) => !INLINE_NODES.has(t),
  tableCell: (t) => !INLINE_NODES.has(t),
  tableHeader: (t) => !INLINE_NODES.has(t),
  layoutSection: (t) => t === 'layoutColumn',
  layoutColumn: (t) => !INLINE_NODES.has(t),
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validateMarks(marks: unknown, path: string): string | null {
  if (!Array.isArray(marks)) return `${path}.marks must be an array`;
  for (const [i, mark] of marks.entries()) {
    if (!isRecord(mark) || typeof mark.type !== 'string') return `${path}.marks[${i}] must be an object with a type`;
    if (!MARKS.has(mark.type)) return `${path}.marks[${i}] has unknown mark type '${mark.type}'`;
    if (mark.type === 'link' && !(isRecord(mark.attrs) && typeof mark.attrs.href === 'string')) {
      return `${path}.marks[${i}] link mark needs attrs.href`;
    }
  }
  return null;
}

function validateNode(node: unknown, parentType: string, path: string): string | null {
  if (!isRecord(node)) return `${path} must be an object`;
  const { type } = node;
  if (typeof type !== 'string') return `${path}.type must be a string`;
  if (!INLINE_NODES.has(type) && !TOP_LEVEL_BLOCKS.has(type) && !NESTED_NODES.has(type)) {
    return `${path} has unknown node type '${type}'`;
  }
  const allowed = ALLOWED_CHILDREN[parentType];
  if (allowed && !allowed(type)) {
    return `${path}: '${type}' is not allowed inside '${parentType}'`;
  }
  if (node.attrs !== undefined && !isRecord(node.attrs)) return `${path}.attrs must be an object`;
  if (type === 'text') {
    // The ADF JSON schema gives text nodes minLength 1.
    if (typeof node.text !== 'string' || node.text.length === 0) return `${path}.text must be a non-empty string`;
    if (node.content !== undefined) return `${path}: text nodes have no content`;
  }
  if (type === 'heading') {
    const level = isRecord(node.attrs) ? node.attrs.level : undefined;
    if (typeof level !== 'number' || !Number.isInteger(level) || level < 1 || level > 6) {
      return `${path}: heading needs attrs.level 1-6`;
    }
  }
  if (node.marks !== undefined) {
    if (type !== 'text') return `${path}: only text nodes carry marks here`;
    const markError = validateMarks(node.marks, path);
    if (markError) return markError;
  }
  if (node.content !== undefined) {
    if (!Array.isArray(node.content)) return `${path}.content must be an array`;
    for (const [i, child] of node.content.entries()) {
      const error = validateNode(child, type, `${path}.content[${i}]`);
      if (error) return error;
    }
  }
  return null;
}

/**
 * Checks that `value` is a structurally valid ADF document. Returns `null` when valid, otherwise
 * a short description of the first problem (for diagnostics; Jira itself answers with a generic
 * message). Never throws.
 */
export function validateAdfDocument(value: unknown): string | null {
  if (typeof value === 'string') return 'a plain string is not an ADF document';
  if (!isRecord(value)) return 'the document must be a JSON object';
  if (value.type !== 'doc') return "the root node must have type 'doc'";
  if (value.version !== 1) return 'the root node must have version 1';
  if (!Array.isArray(value.content)) return 'the root node must have a content array';
  for (const [i, child] of value.content.entries()) {
    const error = validateNode(child, 'doc', `content[${i}]`);
    if (error) return error;
  }
  return null;
}

/** Type guard over {@link validateAdfDocument}. */
export function isAdfDocument(value: unknown): value is AdfDocument {
  return validateAdfDocument(value) === null;
}

function inlineText(node: AdfNode): string {
  const attrs = node.attrs ?? {};
  switch (node.type) {
    case 'text':
      return node.text ?? '';
    case 'hardBreak':
      return '\n';
    case 'mention':
    case 'status':
      return typeof attrs.text === 'string' ? attrs.text : '';
    case 'emoji':
      return typeof attrs.text === 'string' ? attrs.text : typeof attrs.shortName === 'string' ? attrs.shortName : '';
    case 'inlineCard':
      return typeof attrs.url === 'string' ? attrs.url : '';
    default:
      return (node.content ?? []).map(inlineText).join('');
  }
}

function blockLines(node: AdfNode): string[] {
  if (INLINE_NODES.has(node.type)) return [inlineText(node)];
  const children = node.content ?? [];
  if (children.length === 0) return node.type === 'paragraph' ? [''] : [];
  if (children.every((c) => INLINE_NODES.has(c.type))) return [children.map(inlineText).join('')];
  return children.flatMap(blockLines);
}

/**
 * Extracts the plain text of an ADF document: one line per block, hard breaks as newlines,
 * mentions/emoji/status by their text. Never throws.
 */
export function adfToPlainText(doc: AdfDocument | null): string {
  if (!doc) return '';
  return doc.content.flatMap(blockLines).join('\n');
}

/** Wraps plain text in an ADF document, one paragraph per line (empty lines become empty paragraphs). */
export function plainTextToAdf(text: string): AdfDocument {
  const content: AdfNode[] = text
    .split(/\r?\n/)
    .map((line) =>
      line.length > 0 ? { type: 'paragraph', content: [{ type: 'text', text: line }] } : { type: 'paragraph' },
    );
  return { type: 'doc', version: 1, content };
}
