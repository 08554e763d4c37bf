import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WORKER_NODE_OPTIONS, WORKER_PROCESS_ENV } from './process-settings.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (file: string) => readFileSync(`${root}${file}`, 'utf8');
const scripts = (file: string) => (JSON.parse(read(file)) as { scripts: Record<string, string> }).scripts;
const envPrefix = Object.entries(WORKER_PROCESS_ENV)
  .map(([name, value]) => `${name}=${value}`)
  .join(' ');

describe('worker process settings', () => {
  it('are what the start scripts run the worker with', () => {
    expect(scripts('package.json')['start:worker']).toBe(
      `${envPrefix} node ${WORKER_NODE_OPTIONS.join(' ')} --conditions=@khitomer/source --import tsx apps/worker/src/main.ts`,
    );
    expect(scripts('apps/worker/package.json').start).toBe(
      `${envPrefix} node ${WORKER_NODE_OPTIONS.join(' ')} dist/main.js`,
    );
  });

  it('are what the worker image runs with', () => {
    const dockerfile = read('Dockerfile.worker');
    for (const [name, value] of Object.entries(WORKER_PROCESS_ENV)) {
      expect(dockerfile).toMatch(new RegExp(`^ENV ${name}=${value}$`, 'm'));
    }
    const cmd = dockerfile
      .split('\n')
      .filter((line) => line.startsWith('CMD '))
      .at(-1);
    expect(JSON.parse(cmd?.slice(4) ?? '[]')).toEqual(['node', ...WORKER_NODE_OPTIONS, 'dist/main.js']);
  });
});
