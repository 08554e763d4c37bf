import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { environmentWithDotEnv } from './env-file.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('environmentWithDotEnv', () => {
  it('layers the real environment over .env', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khitomer-env-'));
    fs.writeFileSync(path.join(dir, '.env'), 'JIRA_PROJECT_KEY=FROMFILE\nLOG_LEVEL=debug\n# comment\n');
    const env = environmentWithDotEnv({ LOG_LEVEL: 'warn' }, dir);
    expect(env).toEqual({ JIRA_PROJECT_KEY: 'FROMFILE', LOG_LEVEL: 'warn' });
  });

  it('works without a .env file', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khitomer-env-'));
    expect(environmentWithDotEnv({ A: 'b' }, dir)).toEqual({ A: 'b' });
  });
});
