import { type JqlToken, syntaxError, tokenizeJql } from './jql-lexer.js';

/**
 * Recursive-descent parser for the JQL subset the emulator understands:
 *
 * ```
 * query    := [or] [ORDER BY item ("," item)*] EOF
 * or       := and (OR and)*
 * and      := not (AND not)*
 * not      := (NOT | "!") not | "(" or ")" | clause
 * clause   := field operator operand
 * field    := word | string | "cf" "[" number "]"
 * operator := = | != | ~ | !~ | < | <= | > | >= | IN | NOT IN | IS | IS NOT
 * operand  := EMPTY | NULL | value | function | "(" value ("," value)* ")"
 * item     := field [ASC | DESC]
 * ```
 *
 * Keywords are case-insensitive. Errors use Jira's wording:
 * https://support.atlassian.com/jira-software-cloud/docs/advanced-search-reference-jql-operators/
 */

/** Comparison operators (lower-case multi-word forms). */
export type JqlOperator = '=' | '!=' | '~' | '!~' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is' | 'is not';

/** A position in the query (1-based), for error messages. */
export interface JqlPosition {
  line: number;
  column: number;
}

/** A field reference as written: a name, or `cf[NNNNN]`. */
export interface JqlField {
  /** The name as written (quotes removed), or `cf[NNNNN]`. */
  name: string;
  /** Set for the `cf[NNNNN]` form. */
  customId?: number;
  position: JqlPosition;
}

/** A single operand value. */
export type JqlValue =
  | { kind: 'value'; value: string; position: JqlPosition }
  | { kind: 'function'; name: string; args: string[]; position: JqlPosition }
  | { kind: 'empty'; position: JqlPosition };

/** The right-hand side of a clause. */
export type JqlOperand = JqlValue | { kind: 'list'; values: JqlValue[]; position: JqlPosition };

/** A where-clause tree. */
export type JqlClause =
  | { kind: 'and'; clauses: JqlClause[] }
  | { kind: 'or'; clauses: JqlClause[] }
  | { kind: 'not'; clause: JqlClause }
  | { kind: 'terminal'; field: JqlField; operator: JqlOperator; operand: JqlOperand };

/** One `ORDER BY` item. */
export interface JqlOrderItem {
  field: JqlField;
  direction: 'asc' | 'desc' | null;
}

/** A parsed query. `where` is null for an empty query or one with only `ORDER BY`. */
export interface JqlQuery {
  where: JqlClause | null;
  orderBy: JqlOrderItem[];
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'empty', 'null', 'order', 'by', 'asc', 'desc']);
// A subset of the words Jira reserves; they must be quoted to be used as values or field names.
const RESERVED_WORDS = new Set([
  'select',
  'set',
  'update',
  'delete',
  'insert',
  'where',
  'from',
  'union',
  'join',
  'drop',
  'create',
  'table',
  'values',
  'into',
  'group',
  'having',
  'limit',
  'like',
  'between',
  'exists',
  'distinct',
]);
const OPERATORS_HINT =
  "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";

class Parser {
  private index = 0;

  constructor(private readonly tokens: JqlToken[]) {}

  private peek(offset = 0): JqlToken {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as JqlToken;
  }

  private next(): JqlToken {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private isKeyword(token: JqlToken, keyword: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private describe(token: JqlToken): string {
    return token.kind === 'string' ? `"${token.text}"` : `'${token.text}'`;
  }

  private unexpected(expected: string, token: JqlToken): never {
    if (token.kind === 'eof') throw syntaxError(`Expecting ${expected} before the end of the query.`);
    throw syntaxError(`Expecting ${expected} but got ${this.describe(token)}.`, token);
  }

  parseQuery(): JqlQuery {
    let where: JqlClause | null = null;
    const first = this.peek();
    if (first.kind !== 'eof' && !this.isKeyword(first, 'order')) where = this.parseOr();
    const orderBy: JqlOrderItem[] = [];
    const token = this.peek();
    if (this.isKeyword(token, 'order')) {
      this.next();
      if (!this.isKeyword(this.peek(), 'by')) this.unexpected("'by'", this.peek());
      this.next();
      orderBy.push(this.parseOrderItem());
      while (this.peek().kind === 'comma') {
        this.next();
        orderBy.push(this.parseOrderItem());
      }
    }
    const end = this.peek();
    if (end.kind !== 'eof') {
      if (orderBy.length > 0) this.unexpected("either ',' or the end of the query", end);
      this.unexpected("either 'OR' or 'AND'", end);
    }
    return { where, orderBy };
  }

  private parseOrderItem(): JqlOrderItem {
    const field = this.parseField();
    const token = this.peek();
    if (this.isKeyword(token, 'asc') || this.isKeyword(token, 'desc')) {
      this.next();
      return { field, direction: token.text.toLowerCase() === 'asc' ? 'asc' : 'desc' };
    }
    return { field, direction: null };
  }

  private parseOr(): JqlClause {
    const clauses = [this.parseAnd()];
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      clauses.push(this.parseAnd());
    }
    return clauses.length === 1 ? (clauses[0] as JqlClause) : { kind: 'or', clauses };
  }

  private parseAnd(): JqlClause {
    const clauses = [this.parseNot()];
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      clauses.push(this.parseNot());
    }
    return clauses.length === 1 ? (clauses[0] as JqlClause) : { kind: 'and', clauses };
  }

  private parseNot(): JqlClause {
    const token = this.peek();
    if (this.isKeyword(token, 'not') || (token.kind === 'op' && token.text === '!')) {
      this.next();
      return { kind: 'not', clause: this.parseNot() };
    }
    if (token.kind === 'lparen') {
      this.next();
      const inner = this.parseOr();
      const close = this.peek();
      if (close.kind !== 'rparen') this.unexpected("')'", close);
      this.next();
      return inner;
    }
    return this.parseTerminal();
  }

  private parseField(): JqlField {
    const token = this.peek();
    const position = { line: token.line, column: token.column };
    if (token.kind === 'word' && token.text.toLowerCase() === 'cf' && this.peek(1).kind === 'lbracket') {
      this.next();
      this.next();
      const id = this.next();
      if (id.kind !== 'word' || !/^\d+$/.test(id.text)) this.unexpected('a custom field id', id);
      const close = this.next();
      if (close.kind !== 'rbracket') this.unexpected("']'", close);
      return { name: `cf[${id.text}]`, customId: Number(id.text), position };
    }
    if (token.kind === 'string') {
      this.next();
      return { name: token.text, position };
    }
    if (token.kind === 'word') {
      const lower = token.text.toLowerCase();
      if (KEYWORDS.has(lower) || RESERVED_WORDS.has(lower)) {
        throw syntaxError(
          `'${token.text}' is a reserved JQL word. You must surround it in quotation marks to use it in a query.`,
          token,
        );
      }
      this.next();
      return { name: token.text, position };
    }
    return this.unexpected('a field name', token);
  }

  private parseOperator(): JqlOperator {
    const token = this.next();
    if (token.kind === 'op' && token.text !== '!') return token.text as JqlOperator;
    if (token.kind === 'word') {
      const lower = token.text.toLowerCase();
      if (lower === 'in') return 'in';
      if (lower === 'is') {
        if (this.isKeyword(this.peek(), 'not')) {
          this.next();
          return 'is not';
        }
        return 'is';
      }
      if (lower === 'not' && this.isKeyword(this.peek(), 'in')) {
        this.next();
        return 'not in';
      }
    }
    if (token.kind === 'eof') throw syntaxError(`Expecting operator before the end of the query. ${OPERATORS_HINT}`);
    throw syntaxError(`Expecting operator but got ${this.describe(token)}. ${OPERATORS_HINT}`, token);
  }

  private parseTerminal(): JqlClause {
    const field = this.parseField();
    const operator = this.parseOperator();
    const operand = operator === 'in' || operator === 'not in' ? this.parseList() : this.parseSingleOperand();
    if ((operator === 'is' || operator === 'is not') && operand.kind !== 'empty') {
      const at = 'position' in operand ? operand.position : undefined;
      throw syntaxError(`Expecting 'EMPTY' or 'NULL' after '${operator.toUpperCase()}'.`, at);
    }
    return { kind: 'terminal', field, operator, operand };
  }

  private parseList(): JqlOperand {
    const open = this.peek();
    if (open.kind !== 'lparen') {
      // `field in value` and `field in function()` are valid JQL too.
      return this.parseSingleOperand();
    }
    this.next();
    const values: JqlValue[] = [this.parseSingleOperand()];
    while (this.peek().kind === 'comma') {
      this.next();
      values.push(this.parseSingleOperand());
    }
    const close = this.peek();
    if (close.kind !== 'rparen') this.unexpected("either ',' or ')'", close);
    this.next();
    return { kind: 'list', values, position: { line: open.line, column: open.column } };
  }

  private parseSingleOperand(): JqlValue {
    const token = this.peek();
    const position = { line: token.line, column: token.column };
    if (token.kind === 'string') {
      this.next();
      return { kind: 'value', value: token.text, position };
    }
    if (token.kind === 'word') {
      const lower = token.text.toLowerCase();
      if (lower === 'empty' || lower === 'null') {
        this.next();
        return { kind: 'empty', position };
      }
      if (KEYWORDS.has(lower) || RESERVED_WORDS.has(lower)) {
        throw syntaxError(
          `Expecting either a value, list or function but got '${token.text}'. You must surround '${token.text}' in quotation marks to use it as a value.`,
          token,
        );
      }
      this.next();
      if (this.peek().kind === 'lparen') return this.parseFunction(token.text, position);
      return { kind: 'value', value: token.text, position };
    }
    return this.unexpected('either a value, list or function', token);
  }

  private parseFunction(name: string, position: JqlPosition): JqlValue {
    this.next(); // (
    const args: string[] = [];
    if (this.peek().kind !== 'rparen') {
      for (;;) {
        const arg = this.next();
        if (arg.kind !== 'word' && arg.kind !== 'string') this.unexpected('a function argument', arg);
        args.push(arg.text);
        if (this.peek().kind !== 'comma') break;
        this.next();
      }
    }
    const close = this.next();
    if (close.kind !== 'rparen') this.unexpected("')'", close);
    return { kind: 'function', name, args, position };
  }
}

/** Parses a JQL string. Throws {@link JqlError} (from `jql-lexer.ts`) with Jira's message on bad syntax. */
export function parseJql(input: string): JqlQuery {
  return new Parser(tokenizeJql(input)).parseQuery();
}
