/**
 * The results as a Markdown table (readable in a terminal, pasteable into the README): one block
 * per scenario section, targets beside the measured values, PASS/MISS, then the notes.
 */
import type { ResultSection } from '../scenarios/scenario.js';
import { formatTarget, formatValue, verdictOf } from './verdict.js';

/** A scenario's place in the table: its sections, or why it could not run. */
export interface TableEntry {
  title: string;
  sections: ResultSection[];
  /** Set when the scenario failed; shown instead of its rows. */
  error?: string;
}

function pad(cells: string[], widths: number[]): string {
  return `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
}

/** Renders the entries as Markdown lines: header lines, the table, then numbered notes. Pure. */
export function renderTable(header: string[], entries: readonly TableEntry[]): string[] {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const entry of entries) {
    if (entry.error !== undefined) {
      rows.push([`**${entry.title}**`, 'not measured', '', 'ERROR']);
      notes.push(`${entry.title}: ${entry.error.split('\n')[0]}`);
      continue;
    }
    for (const section of entry.sections) {
      rows.push([`**${section.title}**`, '', '', '']);
      for (const row of section.rows) {
        let metric = row.metric;
        if (row.note) {
          notes.push(`${row.metric}: ${row.note}`);
          metric = `${metric} [${notes.length}]`;
        }
        rows.push([metric, formatValue(row.value, row.unit, row.digits), formatTarget(row), verdictOf(row)]);
      }
    }
  }
  const head = ['Metric', 'Measured', 'Target', 'Result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [
    ...header,
    '',
    pad(head, widths),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map((r) => pad(r, widths)),
    '',
    ...notes.map((note, i) => `${i + 1}. ${note}`),
  ];
}
