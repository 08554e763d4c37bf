import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type GitResult, runGit } from './git-cli.js';

/**
 * Helpers for this folder's tests only (not exported from the package): a stock-git client
 * with the machine's config ignored, and temp folders that are removed afterwards.
 */

/** Identity for commits the tests make. */
export const testCommitter = {
  GIT_AUTHOR_NAME: 'Test Client',
  GIT_AUTHOR_EMAIL: 'client@example.invalid',
  GIT_COMMITTER_NAME: 'Test Client',
  GIT_COMMITTER_EMAIL: 'client@example.invalid',
};

/** `-c http.extraHeader=Authorization: Basic base64(x-access-token:<token>)`, as the worker sends it. */
export function basicAuthArgs(token: string): string[] {
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return ['-c', `http.extraHeader=Authorization: Basic ${basic}`];
}

/** `-c http.extraHeader=Authorization: Bearer <token>`. */
export function bearerAuthArgs(token: string): string[] {
  return ['-c', `http.extraHeader=Authorization: Bearer ${token}`];
}

/** Runs the git client; never throws for a non-zero exit (the result carries it). */
export function gitClient(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<GitResult> {
  return runGit(['-c', 'credential.helper=', '-c', 'protocol.version=2', ...args], {
    ...options,
    env: { ...testCommitter, ...options.env },
    okExitCodes: Array.from({ length: 256 }, (_, i) => i),
  });
}

/** Like {@link gitClient} but throws with git's stderr when the exit code is not 0. */
export async function gitOk(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const result = await gitClient(args, options);
  if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed (${result.exitCode}): ${result.stderr}`);
  return result.stdout;
}

/** Temp folders for one test; `cleanup()` removes them all. */
export class TempDirs {
  private readonly dirs: string[] = [];

  /** A fresh empty folder. */
  async make(prefix = 'khitomer-gh-test-'): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  /** Removes every folder made so far. Idempotent. */
  async cleanup(): Promise<void> {
    await Promise.all(this.dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/**
 * Clones `cloneUrl`, commits `files` (path → content) on a new branch `branch` (or on the
 * checked-out branch when it already exists remotely) and pushes it. Returns the commit sha.
 */
export async function pushCommit(
  cloneUrl: string,
  token: string,
  temp: TempDirs,
  branch: string,
  files: Record<string, string>,
  message = `change on ${branch}`,
): Promise<string> {
  const dir = path.join(await temp.make(), 'clone');
  const auth = basicAuthArgs(token);
  await gitOk([...auth, 'clone', '--quiet', cloneUrl, dir]);
  const exists =
    (await gitClient(['-C', dir, 'rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`])).exitCode === 0;
  await gitOk(['-C', dir, 'checkout', '--quiet', ...(exists ? [branch] : ['-b', branch])]);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  await gitOk(['-C', dir, 'add', '--all']);
  await gitOk(['-C', dir, 'commit', '--quiet', '-m', message]);
  await gitOk([...auth, '-C', dir, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
  return (await gitOk(['-C', dir, 'rev-parse', 'HEAD'])).trim();
}
