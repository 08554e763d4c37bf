/**
 * Renders Atlassian Document Format to plain text the way a reader sees it, and strips content a
 * reader cannot see (prompt-injection vectors): HTML comments, invisible/zero-width/bidi/tag
 * Unicode characters and ADF nodes that do not render (macros/extensions, editor placeholders,
 * unknown node types). Used for ticket descriptions, comments and anything sent to the model.
 */

import { MAX_TICKET_INPUT_CHARS, sanitizeTicketText } from './untrusted-text.js';

type JsonObject = Record<string, unknown>;

/** Nesting deeper than this is dropped (guards against stack exhaustion on hostile input). */
const MAX_DEPTH = 64;

/**
 * Removes hidden content from plain text: HTML comments, invisible Unicode characters; normalises
 * line breaks, tidies whitespace and bounds the length (see {@link sanitizeTicketText}, which this
 * delegates to with a generous cap so a multi-megabyte description stays bounded).
 * Pure; never throws. Code that merely contains `<!--` loses that part too (safety first).
 */
export function sanitizeText(input: string): string {
  return sanitizeTicketText(input, { maxChars: MAX_TICKET_INPUT_CHARS });
}

function asObject(value: unknown): JsonObject | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
}

function attrs(node: JsonObject): JsonObject {
  return asObject(node.attrs) ?? {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function children(node: JsonObject): JsonObject[] {
  if (!Array.isArray(node.content)) return [];
  const out: JsonObject[] = [];
  for (const child of node.content) {
    const obj = asObject(child);
    if (obj) out.push(obj);
  }
  return out;
}

function indentContinuation(textValue: string, indent: string): string {
  return textValue.split('\n').join(`\n${indent}`);
}

function renderText(node: JsonObject): string {
  const value = str(node.text);
  const marks = Array.isArray(node.marks) ? node.marks : [];
  for (const mark of marks) {
    const m = asObject(mark);
    if (m?.type !== 'link') continue;
    const href = str(attrs(m).href);
    // Show the target when it differs from the label: a reader sees it on hover, and a label can lie.
    if (href && href !== value) return `${value} (${href})`;
  }
  return value;
}

function renderDate(node: JsonObject): string {
  const ts = Number(attrs(node).timestamp);
  return Number.isFinite(ts) ? new Date(ts).toISOString().slice(0, 10) : '';
}

function renderList(node: JsonObject, depth: number, ordered: boolean): string {
  const start = Number(attrs(node).order);
  let n = ordered && Number.isInteger(start) && start > 0 ? start : 1;
  const lines: string[] = [];
  for (const item of children(node)) {
    if (item.type !== 'listItem') continue;
    const prefix = ordered ? `${n++}. ` : '- ';
    const body = renderChildren(item, depth + 1, '\n');
    lines.push(prefix + indentContinuation(body, ' '.repeat(prefix.length)));
  }
  return lines.join('\n');
}

function renderTable(node: JsonObject, depth: number): string {
  const rows: string[] = [];
  for (const row of children(node)) {
    if (row.type !== 'tableRow') continue;
    const cells = children(row)
      .filter((cell) => cell.type === 'tableCell' || cell.type === 'tableHeader')
      .map((cell) => renderChildren(cell, depth + 2, ' ').replace(/\s*\n\s*/g, ' '));
    rows.push(`| ${cells.join(' | ')} |`);
  }
  return rows.join('\n');
}

function renderChildren(node: JsonObject, depth: number, separator: string): string {
  return children(node)
    .map((child) => renderNode(child, depth))
    .filter((part) => part !== '')
    .join(separator);
}

function renderNode(node: JsonObject, depth: number): string {
  if (depth > MAX_DEPTH) return '';
  const a = attrs(node);
  switch (node.type) {
    case 'doc':
    case 'panel':
    case 'layoutSection':
    case 'layoutColumn':
    case 'mediaSingle':
    case 'mediaGroup':
      return renderChildren(node, depth + 1, '\n\n');
    case 'paragraph':
    case 'caption':
      return renderChildren(node, depth + 1, '');
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(a.level) || 1));
      const body = renderChildren(node, depth + 1, '');
      return body === '' ? '' : `${'#'.repeat(level)} ${body}`;
    }
    case 'text':
      return renderText(node);
    case 'hardBreak':
      return '\n';
    case 'mention':
    case 'status':
      return str(a.text);
    case 'emoji':
      return str(a.text) || str(a.shortName);
    case 'inlineCard':
    case 'blockCard':
    case 'embedCard':
      return str(a.url);
    case 'date':
      return renderDate(node);
    case 'blockquote':
      return renderChildren(node, depth + 1, '\n\n')
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
    case 'bulletList':
      return renderList(node, depth, false);
    case 'orderedList':
      return renderList(node, depth, true);
    case 'codeBlock': {
      const language = str(a.language).replace(/[^\w+#.-]/g, '');
      return `\`\`\`${language}\n${renderChildren(node, depth + 1, '')}\n\`\`\``;
    }
    case 'rule':
      return '---';
    case 'table':
      return renderTable(node, depth);
    case 'expand':
    case 'nestedExpand': {
      const title = str(a.title);
      const body = renderChildren(node, depth + 1, '\n\n');
      return title ? `${title}\n${body}` : body;
    }
    case 'taskList':
    case 'decisionList':
      return renderChildren(node, depth + 1, '\n');
    case 'taskItem':
      return `${a.state === 'DONE' ? '[x]' : '[ ]'} ${renderChildren(node, depth + 1, '')}`;
    case 'decisionItem':
      return `- ${renderChildren(node, depth + 1, '')}`;
    default:
      // Extensions/macros, editor placeholders, media without caption and unknown node types do
      // not render as text a reader can check, so nothing of them reaches the model.
      return '';
  }
}

/**
 * Renders an ADF document (or any ADF node) to sanitised plain text (see {@link sanitizeText}).
 * Accepts untrusted JSON: a plain string is sanitised as text, anything that is not ADF yields
 * `''`. Lists become `- `/`1. ` lines, code blocks are fenced, links show their target when it
 * differs from the label. Pure; never throws.
 */
export function adfToText(doc: unknown): string {
  if (typeof doc === 'string') return sanitizeText(doc);
  const node = asObject(doc);
  if (!node) return '';
  return sanitizeText(renderNode(node, 0));
}
