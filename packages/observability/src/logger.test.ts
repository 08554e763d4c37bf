import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, runLogger } from './logger.js';

function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    text: () => chunks.join(''),
  };
}

const SECRET = 'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

describe('createLogger', () => {
  it('writes JSON lines with service, level name and message', () => {
    const out = capture();
    const log = createLogger({ service: 'leader', destination: out.stream });
    log.info({ prNumber: 3 }, 'pull request opened');
    const [line] = out.lines();
    expect(line).toMatchObject({ service: 'leader', level: 'info', msg: 'pull request opened', prNumber: 3 });
  });

  it('redacts secret keys at any depth', () => {
    const out = capture();
    const log = createLogger({ service: 'worker', destination: out.stream });
    log.info({ token: 'x1', req: { headers: { authorization: 'Bearer abc' } }, deep: { a: { apiKey: 'k' } } }, 'call');
    const [line] = out.lines();
    expect(line?.token).toBe('[REDACTED]');
    expect(line).toMatchObject({
      req: { headers: { authorization: '[REDACTED]' } },
      deep: { a: { apiKey: '[REDACTED]' } },
    });
  });

  it('redacts secret values wherever they appear, also base64 and URL-encoded', () => {
    const out = capture();
    const log = createLogger({ service: 'worker', secrets: [SECRET], destination: out.stream });
    const b64 = Buffer.from(SECRET).toString('base64');
    log.error(
      { err: new Error(`push failed for https://x:${SECRET}@host`), note: b64 },
      `saw ${encodeURIComponent(SECRET)}`,
    );
    const text = out.text();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(b64.replace(/=+$/, ''));
    expect(text).toContain('[REDACTED]');
  });

  it('gives run loggers jiraIssueKey and workflowId', () => {
    const out = capture();
    const root = createLogger({ service: 'worker', destination: out.stream });
    runLogger(root, 'activities', { jiraIssueKey: 'KHI-1', workflowId: 'khitomer-KHI-1' }).info('step');
    expect(out.lines()[0]).toMatchObject({
      component: 'activities',
      jiraIssueKey: 'KHI-1',
      workflowId: 'khitomer-KHI-1',
    });
  });
});
