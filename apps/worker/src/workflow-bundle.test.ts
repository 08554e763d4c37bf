import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addSourceCondition,
  bundleImplementationWorkflows,
  bundleWorkflowsInChildProcess,
  childExecArgv,
  SOURCE_CONDITION,
} from './workflow-bundle.js';

const temporary: string[] = [];
afterAll(async () => {
  await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('workflow bundle', () => {
  it('bundles the workflow code with workspace packages resolved to source', async () => {
    const bundle = await bundleImplementationWorkflows();
    expect(bundle.code).toContain('ImplementationWorkflow');
    // contracts came from its TypeScript source, not from a build.
    expect(bundle.code).toContain('packages/contracts/src');
  }, 60_000);

  it('fails when workflow code imports a Node built-in', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'khitomer-bad-workflow-'));
    temporary.push(dir);
    const file = path.join(dir, 'index.ts');
    await writeFile(
      file,
      "import { readFileSync } from 'node:fs';\nexport async function BadWorkflow(): Promise<string> { return readFileSync('/etc/hostname', 'utf8'); }\n",
    );
    const errors: string[] = [];
    await expect(
      bundleWorkflowCode({
        workflowsPath: file,
        // The file lives outside the repository: let it resolve @temporalio/* from this package.
        webpackConfigHook: (config) => {
          const resolved = addSourceCondition(config);
          resolved.resolve = {
            ...resolved.resolve,
            modules: [...(resolved.resolve?.modules ?? []), fileURLToPath(new URL('../node_modules', import.meta.url))],
          };
          return resolved;
        },
        logger: new DefaultLogger('ERROR', (entry) => errors.push(entry.message)),
      }),
    ).rejects.toThrow(/Webpack finished with errors/);
    expect(errors.join('\n')).toMatch(/ERROR in node:fs/);
  }, 60_000);

  it('bundles in a child process (webpack memory leaves with it) to the same workflow code', async () => {
    const code = await bundleWorkflowsInChildProcess();
    expect(code).toContain('ImplementationWorkflow');
    expect(code).toContain('packages/contracts/src');
  }, 120_000);

  it('gives up when the bundling child is stopped', async () => {
    await expect(bundleWorkflowsInChildProcess({ signal: AbortSignal.abort(new Error('stop')) })).rejects.toThrow();
  });

  it('starts the bundling child with this process options, minus debugger flags', () => {
    const argv = ['--conditions=@khitomer/source', '--import', 'tsx', '--inspect=9229', '--inspect-port', '9230'];
    expect(childExecArgv(argv, '/app/src/workflow-bundle-main.ts')).toEqual([
      '--conditions=@khitomer/source',
      '--import',
      'tsx',
    ]);
    expect(childExecArgv(['--max-old-space-size=512'], '/app/src/workflow-bundle-main.ts')).toEqual([
      '--max-old-space-size=512',
      '--import',
      'tsx',
      `--conditions=${SOURCE_CONDITION}`,
    ]);
    expect(childExecArgv([], '/app/dist/workflow-bundle-main.js')).toEqual([]);
  });

  it('puts the source condition first and keeps webpack defaults', () => {
    expect(addSourceCondition({}).resolve?.conditionNames).toEqual([SOURCE_CONDITION, '...']);
    expect(
      addSourceCondition({ resolve: { conditionNames: ['import', SOURCE_CONDITION] } }).resolve?.conditionNames,
    ).toEqual([SOURCE_CONDITION, 'import']);
  });
});
