import { describe, expect, it } from 'vitest';
import { classifyGitFailure, toGitError } from './git-errors.js';

describe('classifyGitFailure', () => {
  it.each([
    ["fatal: could not read Username for 'https://github.com': terminal prompts disabled", 'unauthorized'],
    [
      "remote: Invalid username or password.\nfatal: Authentication failed for 'https://github.com/o/r.git/'",
      'unauthorized',
    ],
    ["fatal: unable to access 'https://h/o/r.git/': The requested URL returned error: 401", 'unauthorized'],
    ["fatal: unable to access 'https://h/o/r.git/': The requested URL returned error: 403", 'forbidden'],
    ["remote: Repository not found.\nfatal: repository 'https://github.com/o/r.git/' not found", 'not_found'],
    ['fatal: Remote branch nope not found in upstream origin', 'not_found'],
    ["fatal: unable to access 'https://h/o/r.git/': The requested URL returned error: 503", 'unavailable'],
    ["fatal: unable to access 'https://h/o/r.git/': The requested URL returned error: 429", 'rate_limited'],
    ["fatal: unable to access 'https://nohost/o/r.git/': Could not resolve host: nohost", 'network'],
    ["fatal: unable to access 'http://127.0.0.1:1/o/r.git/': Failed to connect to 127.0.0.1 port 1", 'network'],
    [' ! [rejected]        HEAD -> khitomer/X-1 (stale info)\nerror: failed to push some refs', 'conflict'],
    [' ! [rejected]        HEAD -> main (non-fast-forward)', 'conflict'],
    ["fatal: destination path 'x' already exists and is not an empty directory.", 'bad_input'],
  ])('%s → %s', (message, code) => {
    expect(classifyGitFailure(message)).toBe(code);
  });
});

describe('toGitError', () => {
  it('redacts secrets and prefers aborted/timeout over the message', () => {
    const token = 'ghp_secret_token_value_0000000000000000';
    const err = toGitError(new Error(`fatal: bad header ${token}`), {
      operation: 'push',
      aborted: false,
      timedOut: false,
      secrets: [token],
    });
    expect(err.message).toBe('git push failed: fatal: bad header [REDACTED]');
    expect(err.cause).toBeUndefined();
    const base = { operation: 'clone', secrets: [] };
    expect(toGitError(new Error('Abort signal received'), { ...base, aborted: true, timedOut: false }).code).toBe(
      'aborted',
    );
    expect(toGitError(new Error('Abort signal received'), { ...base, aborted: false, timedOut: true }).code).toBe(
      'timeout',
    );
  });
});
