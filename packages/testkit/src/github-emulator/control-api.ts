import { stat } from 'node:fs/promises';
import path from 'node:path';
import { commitFolder, initBareRepo } from './fixture-repo.js';
import { isPlausibleBranchName, listBranches, readBlobText, resolveCommit } from './git-queries.js';
import { pullDiffText } from './pull-git.js';
import type { RepoState, RepoStore } from './repo-store.js';
import type { BranchInfo, IssueCommentRecord, PullRequestRecord, RepositoryRecord } from './types.js';

/** Options of {@link GitHubControl.createRepoFromFixture}. */
export interface CreateRepoOptions {
  /** Branch that receives the fixture commit and becomes `default_branch` (default `main`). */
  defaultBranch?: string;
  /** Reported as `private` (default true); the emulator requires the token either way. */
  private?: boolean;
  /** Archived repositories refuse REST writes and pushes with 403 (default false). */
  archived?: boolean;
}

const namePattern = /^[A-Za-z0-9_.-]+$/;

/** Thrown by {@link GitHubControl}: `status` is 400 (bad input), 404 (unknown thing) or 409 (exists). */
export class ControlApiError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409,
  ) {
    super(message);
    this.name = 'ControlApiError';
  }
}

/**
 * Test-side view and set-up of the emulated GitHub: create repositories from fixture folders and
 * read back what clients did. Methods throw {@link ControlApiError} for bad input and unknown
 * repositories, PRs, refs or files (`GitCommandError` when git itself fails); nothing is retried.
 */
export class GitHubControl {
  constructor(private readonly store: RepoStore) {}

  /**
   * Creates `owner/name` as a bare repository whose default branch holds one commit with every
   * file of `fixtureDir`, made with a fixed author and date (same sha on every run). Throws when
   * the repository exists, the names are invalid or the folder is missing. Not idempotent.
   */
  async createRepoFromFixture(
    owner: string,
    name: string,
    fixtureDir: string,
    options: CreateRepoOptions = {},
  ): Promise<RepositoryRecord> {
    const defaultBranch = options.defaultBranch ?? 'main';
    if (!namePattern.test(owner) || !namePattern.test(name) || name.endsWith('.git') || owner.startsWith('.')) {
      throw new ControlApiError(`invalid repository name ${owner}/${name}`, 400);
    }
    if (!isPlausibleBranchName(defaultBranch))
      throw new ControlApiError(`invalid branch name ${JSON.stringify(defaultBranch)}`, 400);
    if (this.store.has(owner, name)) throw new ControlApiError(`repository ${owner}/${name} already exists`, 409);
    const folder = path.resolve(fixtureDir);
    const info = await stat(folder).catch(() => null);
    if (!info?.isDirectory()) throw new ControlApiError(`fixture folder not found: ${folder}`, 400);
    const gitDir = this.store.gitDirFor(owner, name);
    const archived = options.archived ?? false;
    await initBareRepo(gitDir, defaultBranch, { acceptPushes: !archived });
    await commitFolder(gitDir, folder, defaultBranch, `Initial commit from fixture ${path.basename(folder)}`);
    const state = this.store.add({ owner, name, defaultBranch, private: options.private ?? true, archived, gitDir });
    return { ...state.record };
  }

  private repo(owner: string, name: string): RepoState {
    const repo = this.store.get(owner, name);
    if (!repo) throw new ControlApiError(`unknown repository ${owner}/${name}`, 404);
    return repo;
  }

  /** The repository's record, or undefined when unknown. */
  repository(owner: string, name: string): RepositoryRecord | undefined {
    const repo = this.store.get(owner, name);
    return repo ? { ...repo.record } : undefined;
  }

  /** Every pull request of the repository (open and closed), oldest first, as copies. */
  pulls(owner: string, name: string): PullRequestRecord[] {
    return this.repo(owner, name).pulls.map(
      ({ id: _id, headSha: _head, baseSha: _base, ...record }): PullRequestRecord => ({
        ...record,
        labels: [...record.labels],
        requestedReviewers: [...record.requestedReviewers],
      }),
    );
  }

  /** Unified diff of PR `number` (`git diff base...head` on the current branch tips). */
  async pullDiff(owner: string, name: string, number: number): Promise<string> {
    const repo = this.repo(owner, name);
    const pr = repo.pulls.find((p) => p.number === number);
    if (!pr) throw new ControlApiError(`no pull request #${number} in ${owner}/${name}`, 404);
    return pullDiffText(repo, pr);
  }

  /** Text of `filePath` at `ref` (branch name or commit sha). Throws when the ref or file is missing. */
  async readFile(owner: string, name: string, ref: string, filePath: string): Promise<string> {
    const repo = this.repo(owner, name);
    const sha = await resolveCommit(repo.record.gitDir, ref);
    if (!sha) throw new ControlApiError(`unknown ref ${JSON.stringify(ref)} in ${owner}/${name}`, 404);
    const text = await readBlobText(repo.record.gitDir, sha, filePath);
    if (text === null)
      throw new ControlApiError(`no file ${JSON.stringify(filePath)} at ${ref} in ${owner}/${name}`, 404);
    return text;
  }

  /** Branches with their tip shas, sorted by name (pushes are visible immediately). */
  async branches(owner: string, name: string): Promise<BranchInfo[]> {
    return listBranches(this.repo(owner, name).record.gitDir);
  }

  /** Issue/PR comments of the repository, oldest first; only those of `issueNumber` when given. */
  comments(owner: string, name: string, issueNumber?: number): IssueCommentRecord[] {
    return this.repo(owner, name)
      .comments.filter((c) => issueNumber === undefined || c.issueNumber === issueNumber)
      .map((c) => ({ ...c }));
  }
}
