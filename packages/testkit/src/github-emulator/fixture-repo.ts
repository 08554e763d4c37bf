import { rm } from 'node:fs/promises';
import path from 'node:path';
import { runGit } from './git-cli.js';

/** Identity and date of the fixture's initial commit: fixed so the commit sha is reproducible. */
const fixtureIdentity = {
  GIT_AUTHOR_NAME: 'Khitomer Fixtures',
  GIT_AUTHOR_EMAIL: 'fixtures@khitomer.invalid',
  GIT_AUTHOR_DATE: '2024-01-01T00:00:00+0000',
  GIT_COMMITTER_NAME: 'Khitomer Fixtures',
  GIT_COMMITTER_EMAIL: 'fixtures@khitomer.invalid',
  GIT_COMMITTER_DATE: '2024-01-01T00:00:00+0000',
};

/**
 * Creates a bare repository at `gitDir` whose smart-HTTP side accepts pushes and the requests
 * stock git makes for `--depth 1` and `--filter=blob:none` clones. Throws `GitCommandError`.
 * Not idempotent (git refuses nothing, but the config is rewritten).
 */
export async function initBareRepo(
  gitDir: string,
  defaultBranch: string,
  options: { acceptPushes: boolean },
): Promise<void> {
  await runGit(['init', '--bare', '--quiet', `--initial-branch=${defaultBranch}`, gitDir]);
  const settings: [string, string][] = [
    ['http.receivepack', String(options.acceptPushes)],
    ['http.uploadpack', 'true'],
    ['uploadpack.allowFilter', 'true'],
    ['uploadpack.allowAnySHA1InWant', 'true'],
    ['receive.advertisePushOptions', 'true'],
  ];
  for (const [key, value] of settings) await runGit(['--git-dir', gitDir, 'config', key, value]);
}

/**
 * Commits every file of `folder` (respecting its `.gitignore`) as the single root commit of
 * `branch` in the bare repository `gitDir`, with a fixed author and date so the sha is the same
 * on every run. Returns the commit sha. Throws `GitCommandError`.
 */
export async function commitFolder(gitDir: string, folder: string, branch: string, message: string): Promise<string> {
  const indexFile = path.join(gitDir, 'khitomer-fixture-index');
  const env = { GIT_DIR: gitDir, GIT_WORK_TREE: folder, GIT_INDEX_FILE: indexFile, ...fixtureIdentity };
  try {
    await runGit(['-c', 'core.autocrlf=false', 'add', '--all', '--', '.'], { cwd: folder, env });
    const tree = (await runGit(['write-tree'], { cwd: folder, env })).stdout.trim();
    const commit = (await runGit(['commit-tree', tree, '-m', message], { cwd: folder, env })).stdout.trim();
    await runGit(['update-ref', `refs/heads/${branch}`, commit], { cwd: folder, env });
    await runGit(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], { cwd: folder, env });
    return commit;
  } finally {
    await rm(indexFile, { force: true });
  }
}
