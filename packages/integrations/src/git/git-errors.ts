/**
 * Classifies git failures (from stderr text) into `IntegrationError` codes and keeps the token
 * out of the message.
 */
import { IntegrationError, type IntegrationErrorCode } from '../errors.js';
import { redactSecrets } from '../redact.js';

const MAX_DETAIL = 600;

const RULES: [IntegrationErrorCode, RegExp][] = [
  ['rate_limited', /returned error: 429|too many requests/i],
  [
    'unauthorized',
    /authentication failed|could not read (username|password)|terminal prompts disabled|returned error: 401|invalid username or password|invalid credentials/i,
  ],
  ['forbidden', /returned error: 403|permission to .* denied|write access to repository not granted|access denied/i],
  [
    'not_found',
    /repository '.*' not found|repository not found|returned error: 404|does not appear to be a git repository|remote branch .* not found|couldn't find remote ref/i,
  ],
  ['unavailable', /returned error: 5\d\d/i],
  ['conflict', /\[rejected\]|\[remote rejected\]|stale info|non-fast-forward|fetch first|failed to push some refs/i],
  [
    'network',
    /could not resolve host|failed to connect|connection refused|connection reset|connection timed out|timed out|the remote end hung up|early eof|rpc failed|unable to access|ssl|gnutls|network is unreachable|empty reply from server/i,
  ],
];

/** The code for a git failure message; `bad_input` when nothing more specific matches. Pure. */
export function classifyGitFailure(message: string): IntegrationErrorCode {
  for (const [code, pattern] of RULES) if (pattern.test(message)) return code;
  return 'bad_input';
}

/** Context of a failed git command. */
export interface GitFailureContext {
  /** Short command name, e.g. `clone`, `push`. */
  operation: string;
  /** The caller's AbortSignal fired. */
  aborted: boolean;
  /** The adapter's deadline fired. */
  timedOut: boolean;
  /** Values to remove from the message (token and its encodings). */
  secrets: readonly string[];
}

function lastChars(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_DETAIL ? `…${trimmed.slice(-MAX_DETAIL)}` : trimmed;
}

/**
 * Converts a simple-git failure into an `IntegrationError` (system `git`): cancellation →
 * `aborted`, deadline → `timeout`, otherwise by {@link classifyGitFailure}. The message is
 * redacted and the original error is not kept (its message is unredacted stderr). Pure.
 */
export function toGitError(err: unknown, context: GitFailureContext): IntegrationError {
  const raw = err instanceof Error ? err.message : String(err);
  const detail = lastChars(redactSecrets(raw, context.secrets));
  let code: IntegrationErrorCode;
  if (context.aborted) code = 'aborted';
  else if (context.timedOut) code = 'timeout';
  else code = classifyGitFailure(raw);
  return new IntegrationError(code, `git ${context.operation} failed${detail ? `: ${detail}` : ''}`, { system: 'git' });
}
