import { describe, expect, it } from 'vitest';
import { JqlError, tokenizeJql } from './jql-lexer.js';
import { type JqlClause, parseJql } from './jql-parser.js';

function jqlErrorOf(input: string): string {
  try {
    parseJql(input);
  } catch (error) {
    if (error instanceof JqlError) return error.messages.join(' | ');
    throw error;
  }
  throw new Error(`expected a JqlError for: ${input}`);
}

function terminal(clause: JqlClause | null) {
  if (clause?.kind !== 'terminal') throw new Error(`expected a terminal clause, got ${clause?.kind}`);
  return clause;
}

describe('tokenizeJql', () => {
  it('reads quoted strings with escapes and reports 1-based positions', () => {
    const tokens = tokenizeJql(`summary ~ "say \\"hi\\"" AND x = 'a b'`);
    expect(tokens.map((t) => [t.kind, t.text])).toEqual([
      ['word', 'summary'],
      ['op', '~'],
      ['string', 'say "hi"'],
      ['word', 'AND'],
      ['word', 'x'],
      ['op', '='],
      ['string', 'a b'],
      ['eof', ''],
    ]);
    expect(tokens[2]).toMatchObject({ line: 1, column: 11 });
  });

  it('maps && and || to AND and OR', () => {
    expect(
      tokenizeJql('a = 1 && b = 2 || c = 3')
        .filter((t) => t.kind === 'word')
        .map((t) => t.text),
    ).toEqual(['a', '1', 'AND', 'b', '2', 'OR', 'c', '3']);
  });

  it('rejects reserved characters outside quotes like Jira', () => {
    expect(() => tokenizeJql('Repository ~ acme/api')).toThrow(
      "Error in the JQL Query: The character '/' is a reserved JQL character. You must enclose it in a string or use the escape '\\u002f' instead. (line 1, character 18)",
    );
  });

  it('rejects an unterminated string', () => {
    expect(() => tokenizeJql('status = "In Progress')).toThrow(
      "Error in the JQL Query: The quoted string 'In Progress' has not been completed. (line 1, character 10)",
    );
  });
});

describe('parseJql', () => {
  it('parses the poller query with quoted values and ORDER BY', () => {
    const query = parseJql('project = "KHI" AND status = "Ready for Development" ORDER BY created ASC');
    expect(query.where).toEqual({
      kind: 'and',
      clauses: [
        {
          kind: 'terminal',
          field: { name: 'project', position: { line: 1, column: 1 } },
          operator: '=',
          operand: { kind: 'value', value: 'KHI', position: { line: 1, column: 11 } },
        },
        {
          kind: 'terminal',
          field: { name: 'status', position: { line: 1, column: 21 } },
          operator: '=',
          operand: { kind: 'value', value: 'Ready for Development', position: { line: 1, column: 30 } },
        },
      ],
    });
    expect(query.orderBy).toEqual([
      { field: { name: 'created', position: { line: 1, column: 63 } }, direction: 'asc' },
    ]);
  });

  it('gives AND precedence over OR and honours parentheses', () => {
    const flat = parseJql('a = 1 OR b = 2 AND c = 3').where;
    expect(flat?.kind).toBe('or');
    if (flat?.kind !== 'or') return;
    expect(flat.clauses.map((c) => c.kind)).toEqual(['terminal', 'and']);

    const grouped = parseJql('(a = 1 OR b = 2) AND c = 3').where;
    expect(grouped?.kind).toBe('and');
    if (grouped?.kind !== 'and') return;
    expect(grouped.clauses.map((c) => c.kind)).toEqual(['or', 'terminal']);
  });

  it('treats keywords case-insensitively and reads multi-word operators', () => {
    const query = parseJql('status NOT IN (Done, "In Review") and assignee is not empty order by key desc, updated');
    const where = query.where;
    if (where?.kind !== 'and') throw new Error('expected and');
    const [notIn, isNot] = where.clauses.map(terminal);
    expect(notIn?.operator).toBe('not in');
    expect(notIn?.operand).toMatchObject({
      kind: 'list',
      values: [
        { kind: 'value', value: 'Done' },
        { kind: 'value', value: 'In Review' },
      ],
    });
    expect(isNot?.operator).toBe('is not');
    expect(isNot?.operand.kind).toBe('empty');
    expect(query.orderBy.map((o) => [o.field.name, o.direction])).toEqual([
      ['key', 'desc'],
      ['updated', null],
    ]);
  });

  it('parses NOT, !, cf[NNNNN], quoted field names and functions', () => {
    const not = parseJql('NOT status = Done').where;
    expect(not?.kind).toBe('not');
    expect(parseJql('! labels = x').where?.kind).toBe('not');
    const cf = terminal(parseJql('cf[10050] ~ "acme/api"').where);
    expect(cf.field).toMatchObject({ name: 'cf[10050]', customId: 10050 });
    expect(terminal(parseJql('"Repository" is EMPTY').where).field.name).toBe('Repository');
    expect(terminal(parseJql('assignee = currentUser()').where).operand).toMatchObject({
      kind: 'function',
      name: 'currentUser',
      args: [],
    });
  });

  it('accepts an empty query and a query with only ORDER BY (bounding is checked later)', () => {
    expect(parseJql('')).toEqual({ where: null, orderBy: [] });
    expect(parseJql('  ORDER BY created DESC').where).toBeNull();
  });

  it.each([
    [
      'project = IN',
      "Error in the JQL Query: Expecting either a value, list or function but got 'IN'. You must surround 'IN' in quotation marks to use it as a value. (line 1, character 11)",
    ],
    [
      'project KHI',
      "Error in the JQL Query: Expecting operator but got 'KHI'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character 9)",
    ],
    [
      'project = KHI status = Done',
      "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'status'. (line 1, character 15)",
    ],
    ['project =', 'Error in the JQL Query: Expecting either a value, list or function before the end of the query.'],
    ['(project = KHI', "Error in the JQL Query: Expecting ')' before the end of the query."],
    [
      'status in (Done, )',
      "Error in the JQL Query: Expecting either a value, list or function but got ')'. (line 1, character 18)",
    ],
    ['status is Done', "Error in the JQL Query: Expecting 'EMPTY' or 'NULL' after 'IS'. (line 1, character 11)"],
    ['ORDER created', "Error in the JQL Query: Expecting 'by' but got 'created'. (line 1, character 7)"],
    [
      'select = 1',
      "Error in the JQL Query: 'select' is a reserved JQL word. You must surround it in quotation marks to use it in a query. (line 1, character 1)",
    ],
  ])('rejects %j with Jira’s message', (input, message) => {
    expect(jqlErrorOf(input)).toBe(message);
  });
});
