import { spawn } from 'node:child_process';
import os from 'node:os';

/** Options of {@link runGit}. */
export interface RunGitOptions {
  /** Working directory of the git process. */
  cwd?: string;
  /** Extra environment on top of {@link isolatedGitEnv}. */
  env?: Record<string, string>;
  /** Exit codes that count as success (default `[0]`). */
  okExitCodes?: number[];
}

/** Result of {@link runGit}. */
export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Thrown by {@link runGit} when git exits with an unexpected code. Not retried. */
export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} exited with ${exitCode}: ${stderr.trim()}`);
    this.name = 'GitCommandError';
  }
}

/**
 * Environment for every git process the emulator starts: PATH only from the parent, and the
 * machine's system/global config ignored so a developer's settings (signing, hooks, helpers)
 * cannot change what the emulator does.
 */
export function isolatedGitEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: os.tmpdir(),
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}

/**
 * Runs `git <args>` to completion and returns its output. Throws {@link GitCommandError} on an
 * exit code outside `okExitCodes`, or the spawn error when git is missing. Not idempotent in
 * general (depends on the command).
 */
export function runGit(args: readonly string[], options: RunGitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: isolatedGitEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const result = {
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        exitCode: code ?? -1,
      };
      if ((options.okExitCodes ?? [0]).includes(result.exitCode)) resolve(result);
      else reject(new GitCommandError(args, result.exitCode, result.stderr));
    });
  });
}
