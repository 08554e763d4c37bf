import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '@khitomer/config';
import { createLogger } from '@khitomer/observability';
import { type EmulatorStack, startEmulatorStack } from '@khitomer/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
}

import { cleanupWorkspace } from './activities/cleanup-workspace.js';
import type { StepContext } from './activities/step-context.js';
import { MIRROR_CACHE_DIR_NAME, workspaceDirFor } from './activities/workspace-path.js';
import { createAdapters } from './adapters.js';

let stack: EmulatorStack;

beforeAll(async () => {
  stack = await startEmulatorStack({ repositories: { 'acme/cached': 'calculator-js' } });
});

afterAll(async () => {
  await stack?.close();
});

describe('createAdapters', () => {
  it('clones through the per-worker cache in WORKSPACE_DIR/.mirrors; a second ticket takes over the parked spare', async () => {
    const config = loadConfig(stack.env, 'worker');
    const logger = createLogger({ service: 'test', level: 'silent', secrets: stack.secretValues });
    const adapters = createAdapters(config, logger);
    const cloneUrl = `${stack.github.url}/acme/cached.git`;
    const root = config.workspaceDir;
    const first = workspaceDirFor(root, { workflowId: 'khitomer-KHI-1', runId: 'r1', attempt: 1 });
    await adapters.git.clone({ url: cloneUrl, dir: first, branch: 'main' });

    const cacheDir = path.join(root, MIRROR_CACHE_DIR_NAME);
    const mirrors = await readdir(cacheDir);
    expect(mirrors).toContainEqual(expect.stringMatching(/^acme-cached-[0-9a-f]{16}\.git$/));
    expect(adapters.mirrorCache?.cacheDir).toBe(cacheDir);
    await adapters.mirrorCache?.idle();
    const sparesDir = path.join(
      cacheDir,
      (mirrors.find((m) => m.endsWith('.git')) as string).replace(/\.git$/, '.spares'),
    );
    const [spare] = await readdir(sparesDir);
    const spareDir = path.join(sparesDir, spare as string);
    const spareHead = git(spareDir, 'rev-parse', 'HEAD');
    const spareInode = (await stat(spareDir)).ino;

    // The first ticket's workspace is removed; the cache survives it.
    const ctx = { logger } as unknown as StepContext;
    await cleanupWorkspace({ workspaceRoot: root }, ctx, {
      workspace: { workflowId: 'khitomer-KHI-1', runId: 'r1', attempt: 1 },
    });
    expect(existsSync(first)).toBe(false);
    expect(existsSync(spareDir)).toBe(true);

    const second = workspaceDirFor(root, { workflowId: 'khitomer-KHI-2', runId: 'r2', attempt: 1 });
    await adapters.git.clone({ url: cloneUrl, dir: second, branch: 'main' });
    // The spare was taken over (renamed, not copied or checked out again).
    expect((await stat(second)).ino).toBe(spareInode);
    expect(git(second, 'rev-parse', 'HEAD')).toBe(spareHead);
    expect(git(second, 'status', '--porcelain')).toBe('');
    expect(git(second, 'remote', 'get-url', 'origin')).toBe(cloneUrl);
    expect(await readFile(path.join(second, '.git', 'config'), 'utf8')).not.toContain(config.github.token);
    await adapters.mirrorCache?.idle();
  });
});
