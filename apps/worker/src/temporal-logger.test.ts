import { Writable } from 'node:stream';
import { createLogger } from '@khitomer/observability';
import { describe, expect, it } from 'vitest';
import { temporalLoggerFor, toPinoFields } from './temporal-logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { lines, destination };
}

describe('Temporal → pino logger bridge', () => {
  it('writes SDK log calls as pino lines at the matching level, secrets redacted', async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'worker', level: 'debug', secrets: ['s3cr3t-value'], destination });
    const bridge = temporalLoggerFor(logger);
    bridge.info('Activity completed', { activityType: 'runTests', durationMs: 5 });
    bridge.log('WARN', 'token s3cr3t-value seen', { taskQueue: 'q' });
    bridge.trace('hidden below debug');
    bridge.warn('No workflows registered, not polling for workflow tasks', { taskQueue: 'host' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ level: 'debug', taskQueue: 'host' });
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'Activity completed', activityType: 'runTests' });
    expect(lines[1]).toMatchObject({ level: 'warn', taskQueue: 'q' });
    expect(JSON.stringify(lines)).not.toContain('s3cr3t-value');
  });

  it('turns errors and bigints into JSON-friendly values and drops symbol keys', () => {
    const fields = toPinoFields({ error: new TypeError('bad'), at: 10n, [Symbol('ts')]: 1 });
    expect(fields).toEqual({ error: { name: 'TypeError', message: 'bad' }, at: '10' });
  });
});
