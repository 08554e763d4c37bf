import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** Runs `pnpm demo --once` (the same node command the root script runs) and collects its output. */
function runDemoOnce(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const { OPENAI_API_KEY: _ignored, ...env } = process.env;
    const child = spawn(
      process.execPath,
      ['--conditions=@khitomer/source', '--import', 'tsx', 'apps/demo/src/main.ts', '--once'],
      { cwd: repoRoot, env: { ...env, LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('pnpm demo --once', () => {
  it('turns the seeded ticket into a pull request and prints it', async () => {
    const { code, stdout, stderr } = await runDemoOnce();
    expect(stdout, stderr).toContain('Run khitomer-KHI-1 ended: COMPLETED');
    expect(stdout).toMatch(/Pull request: http:\/\/127\.0\.0\.1:\d+\/acme\/calculator\/pull\/1\n/);
    expect(stdout).toContain('branch: khitomer/KHI-1-fix-add-in-the-calculator → main');
    expect(stdout).toContain('src/calculator.js | +1 -1');
    expect(stdout).toContain('+  return a + b;');
    expect(stdout).toContain('Jira KHI-1 is now "In Review"');
    expect(stdout).toMatch(/\| .*\/acme\/calculator\/pull\/1/);
    expect(stdout).toMatch(/Temporal UI: http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows\/khitomer-KHI-1/);
    expect(stdout).toMatch(/stage implementing/);
    expect(code).toBe(0);
  });
});
