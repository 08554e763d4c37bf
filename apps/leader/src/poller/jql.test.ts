import { describe, expect, it } from 'vitest';
import { jqlString, ticketsInStatusJql } from './jql.js';

describe('ticketsInStatusJql', () => {
  it('is the contract query, values quoted, oldest first', () => {
    expect(ticketsInStatusJql('PAY', 'Ready for Development')).toBe(
      'project = "PAY" AND status = "Ready for Development" ORDER BY created ASC',
    );
  });

  it('escapes quotes and backslashes so a status name cannot extend the query', () => {
    expect(jqlString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(ticketsInStatusJql('PAY', 'x" OR project = "OTHER')).toBe(
      'project = "PAY" AND status = "x\\" OR project = \\"OTHER" ORDER BY created ASC',
    );
  });
});
