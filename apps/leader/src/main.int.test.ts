/**
 * `pnpm start:leader` as an operator runs it: configuration errors end the process with exit
 * code 2 and one message listing every problem (no secret echoed, no stack trace); a valid
 * configuration serves `/health` and SIGTERM stops it cleanly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from '@khitomer/testkit';
import { startEmulatorStack } from '@khitomer/testkit/stack';
import { describe, inject, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/**
 * Spawns the leader. `viaPnpm` runs `pnpm start:leader` exactly; otherwise the command that script
 * runs is spawned directly, so signals reach the leader itself (pnpm does not forward them).
 */
function startLeaderProcess(
  env: Record<string, string>,
  viaPnpm = true,
): { child: ChildProcess; finished: Promise<Finished> } {
  const [command, args] = viaPnpm
    ? ['pnpm', ['--silent', 'start:leader']]
    : [process.execPath, ['--conditions=@khitomer/source', '--import', 'tsx', 'apps/leader/src/main.ts']];
  const child = spawn(command, args, {
    cwd: repoRoot,
    // Nothing from the test runner's environment leaks in; pnpm and node only need PATH and HOME.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const finished = new Promise<Finished>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, output }));
  });
  return { child, finished };
}

describe.concurrent('pnpm start:leader', () => {
  it('with an empty environment exits 2 listing every missing variable', async ({ expect }) => {
    const { finished } = startLeaderProcess({});
    const { code, output } = await finished;
    expect(code).toBe(2);
    for (const name of [
      'JIRA_BASE_URL',
      'JIRA_USERNAME',
      'JIRA_TOKEN',
      'JIRA_PROJECT_KEY',
      'GITHUB_TOKEN',
      'OPENAI_API_KEY',
    ]) {
      expect(output).toContain(`${name} is required`);
    }
    expect(output).toContain('Invalid configuration: 6 problems.');
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('does not echo a malformed secret', async ({ expect }) => {
    const secret = 'Sh0rtS3cret!';
    const { finished } = startLeaderProcess({ API_TOKEN: secret, JIRA_TOKEN: 'jira-Secret-Value-123' });
    const { code, output } = await finished;
    expect(code).toBe(2);
    expect(output).toContain('API_TOKEN must be at least 16 characters');
    expect(output).not.toContain(secret);
    expect(output).not.toContain('jira-Secret-Value-123');
  });

  it('with a valid configuration serves /health and stops cleanly on SIGTERM', async ({ expect }) => {
    const stack = await startEmulatorStack();
    const [restPort, grpcPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
    const { child, finished } = startLeaderProcess(
      {
        ...stack.env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        TASK_QUEUE: `leader-main-${restPort}`,
        JIRA_POLL_INTERVAL: '1h',
        REST_PORT: String(restPort),
        GRPC_PORT: String(grpcPort),
        LOG_LEVEL: 'info',
      },
      false,
    );
    try {
      const deadline = Date.now() + 60_000;
      let healthy = false;
      while (!healthy && Date.now() < deadline && child.exitCode === null) {
        healthy = await fetch(`http://127.0.0.1:${restPort}/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (!healthy) await new Promise((r) => setTimeout(r, 200));
      }
      expect(healthy).toBe(true);
      child.kill('SIGTERM');
      const { code, output } = await finished;
      expect(code).toBe(0);
      expect(output).toContain('"msg":"leader started"');
      expect(output).toContain('"msg":"leader stopped"');
      for (const secret of stack.secretValues) expect(output).not.toContain(secret);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await stack.close();
    }
  });
});
