/**
 * JQL tokenizer. Follows the lexical rules of Jira's advanced search:
 * https://support.atlassian.com/jira-software-cloud/docs/use-advanced-search-with-jira-query-language-jql/
 * (quoted strings with `"` or `'`, backslash escapes, reserved characters that must be quoted).
 */

/** Token kinds. `word` is any unquoted run of characters (field names, values, keywords). */
export type JqlTokenKind = 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma' | 'lbracket' | 'rbracket' | 'eof';

/** A token with its 1-based position, as Jira reports it in errors. */
export interface JqlToken {
  kind: JqlTokenKind;
  /** Unescaped text (for strings, without the quotes). */
  text: string;
  line: number;
  column: number;
}

/** A JQL syntax or validation error; `messages` go into Jira's `errorMessages`. */
export class JqlError extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join(' '));
    this.name = 'JqlError';
  }
}

/** Builds Jira's syntax-error message (`Error in the JQL Query: … (line L, character C)`). */
export function syntaxError(detail: string, at?: { line: number; column: number }): JqlError {
  const where = at ? ` (line ${at.line}, character ${at.column})` : '';
  return new JqlError([`Error in the JQL Query: ${detail}${where}`]);
}

// Characters Jira reserves: they must be quoted or escaped when used in a value.
const RESERVED_CHARS = new Set(['+', '.', ';', '?', '*', '/', '%', '^', '$', '#', '@']);
// Characters that end an unquoted word.
const DELIMITERS = new Set([
  ' ',
  '\t',
  '\r',
  '\n',
  '"',
  "'",
  '=',
  '!',
  '<',
  '>',
  '(',
  ')',
  '~',
  ',',
  '[',
  ']',
  '&',
  '|',
]);

function unicodeEscape(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Splits a JQL string into tokens (ending with `eof`). Throws {@link JqlError} on lexical errors. */
export function tokenizeJql(input: string): JqlToken[] {
  const tokens: JqlToken[] = [];
  let i = 0;
  let line = 1;
  let column = 1;

  const advance = (): string => {
    const ch = input[i] ?? '';
    i++;
    if (ch === '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
    return ch;
  };

  const readEscape = (start: { line: number; column: number }): string => {
    advance(); // the backslash
    const ch = advance();
    switch (ch) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'u': {
        const hex = input.slice(i, i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw syntaxError(`Illegal Unicode escape '\\u${hex}'.`, start);
        for (let k = 0; k < 4; k++) advance();
        return String.fromCharCode(Number.parseInt(hex, 16));
      }
      case '"':
      case "'":
      case '\\':
      case ' ':
        return ch;
      case '':
        throw syntaxError('Illegal escape at the end of the query.', start);
      default:
        if (RESERVED_CHARS.has(ch) || DELIMITERS.has(ch)) return ch;
        throw syntaxError(`Illegal escape sequence '\\${ch}'.`, start);
    }
  };

  while (i < input.length) {
    const ch = input[i] as string;
    const start = { line, column };
    if (/\s/.test(ch)) {
      advance();
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '!=' || two === '!~' || two === '<=' || two === '>=') {
      advance();
      advance();
      tokens.push({ kind: 'op', text: two, ...start });
      continue;
    }
    if (two === '&&' || two === '||') {
      advance();
      advance();
      tokens.push({ kind: 'word', text: two === '&&' ? 'AND' : 'OR', ...start });
      continue;
    }
    if (ch === '&' || ch === '|') {
      advance();
      tokens.push({ kind: 'word', text: ch === '&' ? 'AND' : 'OR', ...start });
      continue;
    }
    if (ch === '=' || ch === '~' || ch === '<' || ch === '>' || ch === '!') {
      advance();
      tokens.push({ kind: 'op', text: ch, ...start });
      continue;
    }
    const single: Partial<Record<string, JqlTokenKind>> = {
      '(': 'lparen',
      ')': 'rparen',
      ',': 'comma',
      '[': 'lbracket',
      ']': 'rbracket',
    };
    const singleKind = single[ch];
    if (singleKind) {
      advance();
      tokens.push({ kind: singleKind, text: ch, ...start });
      continue;
    }
    if (ch === '"' || ch === "'") {
      advance();
      let text = '';
      for (;;) {
        if (i >= input.length) {
          throw syntaxError(`The quoted string '${text}' has not been completed.`, start);
        }
        const c = input[i] as string;
        if (c === ch) {
          advance();
          break;
        }
        if (c === '\\') {
          text += readEscape({ line, column });
          continue;
        }
        text += advance();
      }
      tokens.push({ kind: 'string', text, ...start });
      continue;
    }
    let text = '';
    while (i < input.length) {
      const c = input[i] as string;
      if (DELIMITERS.has(c)) break;
      if (c === '\\') {
        text += readEscape({ line, column });
        continue;
      }
      if (RESERVED_CHARS.has(c)) {
        throw syntaxError(
          `The character '${c}' is a reserved JQL character. You must enclose it in a string or use the escape '${unicodeEscape(c)}' instead.`,
          { line, column },
        );
      }
      text += advance();
    }
    tokens.push({ kind: 'word', text, ...start });
  }
  tokens.push({ kind: 'eof', text: '', line, column });
  return tokens;
}
