/**
 * Log redaction covers secret values, not only secret keys (issue 7 item 2): a configured secret is
 * removed from a log line wherever it sits and in whichever common encoding — including inside a
 * base64 basic-auth pair (`user:token`), where plain base64 of the token does not occur.
 */
import { PassThrough } from 'node:stream';
import { createLogger, REDACTED } from '@khitomer/observability';
import { describe, expect, it } from 'vitest';

const JIRA_TOKEN = 'jira-Redaction-Probe-7f3a9c2e51';
const GITHUB_TOKEN = 'ghp_RedactionProbe0123456789abcdefABCDEF';
const USERNAME = 'bot@example.com';

function capture(secrets: string[]) {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = createLogger({ service: 'worker', level: 'trace', secrets, destination: stream });
  return { logger, text: () => chunks.join('') };
}

/** Every form of `secret` a leak check looks for. */
function forms(secret: string): string[] {
  const out = [secret, encodeURIComponent(secret)];
  for (const prefix of ['', 'a', 'ab', `${USERNAME}:`]) {
    const encoded = Buffer.from(`${prefix}${secret}`).toString('base64');
    // The part of the encoding that depends on the secret alone.
    const skip = Math.ceil((Buffer.byteLength(prefix) % 3) * (8 / 6)) + Math.floor(Buffer.byteLength(prefix) / 3) * 4;
    out.push(encoded.slice(skip, skip + 16));
  }
  return out;
}

describe('log redaction by value', () => {
  it('removes secrets under ordinary keys, in messages, arrays, errors and child bindings', () => {
    const { logger, text } = capture([JIRA_TOKEN, GITHUB_TOKEN]);
    logger.child({ remote: `https://x-access-token:${GITHUB_TOKEN}@github.example/acme/repo.git` }).warn(
      {
        note: `token=${JIRA_TOKEN}`,
        list: ['a', { deeper: [GITHUB_TOKEN] }],
        err: new Error(`push rejected for ${GITHUB_TOKEN}`),
        query: `?access_token=${encodeURIComponent(JIRA_TOKEN)}`,
      },
      `cloning with ${GITHUB_TOKEN}`,
    );
    const out = text();
    for (const secret of [JIRA_TOKEN, GITHUB_TOKEN]) {
      for (const form of forms(secret)) expect(out).not.toContain(form);
    }
    expect(out.split(REDACTED).length - 1).toBeGreaterThanOrEqual(6);
  });

  it('removes a secret inside a base64 basic-auth pair and other encodings at any byte offset', () => {
    const { logger, text } = capture([JIRA_TOKEN]);
    const basic = Buffer.from(`${USERNAME}:${JIRA_TOKEN}`).toString('base64');
    logger.info(
      {
        // Not under an `authorization` key: only value redaction can catch these.
        upstreamHeader: `Basic ${basic}`,
        shifted: ['', 'a', 'ab', 'abc'].map((p) => Buffer.from(`${p}${JIRA_TOKEN}!`).toString('base64')),
        base64url: Buffer.from(`x${JIRA_TOKEN}`).toString('base64url'),
      },
      'request sent',
    );
    const out = text();
    for (const form of forms(JIRA_TOKEN)) expect(out).not.toContain(form);
    expect(out).not.toContain(Buffer.from(`x${JIRA_TOKEN}`).toString('base64url').slice(2, 18));
    expect(out).toContain('Basic ');
  });

  it('leaves ordinary text alone', () => {
    const { logger, text } = capture([JIRA_TOKEN, GITHUB_TOKEN]);
    logger.info({ jiraIssueKey: 'SEC-1', files: ['src/calculator.js'] }, 'pull request opened');
    const line = JSON.parse(text()) as Record<string, unknown>;
    expect(line).toMatchObject({ jiraIssueKey: 'SEC-1', files: ['src/calculator.js'], msg: 'pull request opened' });
    expect(text()).not.toContain(REDACTED);
  });
});
