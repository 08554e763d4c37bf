import path from 'node:path';
import type { IssueCommentRecord, PullRequestRecord, RepositoryRecord } from './types.js';

/** A pull request plus what only the emulator needs (shas of deleted branches, GitHub ids). */
export interface PullRequestState extends PullRequestRecord {
  id: number;
  /** Last known head/base shas, used when a branch has been deleted since. */
  headSha: string;
  baseSha: string;
}

/** A label defined in a repository. */
export interface LabelState {
  id: number;
  name: string;
  color: string;
}

/** Everything the emulator knows about one repository besides its git data. */
export interface RepoState {
  id: number;
  record: RepositoryRecord;
  createdAt: string;
  pulls: PullRequestState[];
  comments: IssueCommentRecord[];
  labels: LabelState[];
  /** Next issue/PR number (GitHub numbers both from one sequence). */
  nextNumber: number;
  /** Tail of the per-repository write queue (see {@link RepoStore.exclusive}). */
  queue: Promise<void>;
}

/** GitHub's timestamp format: ISO-8601 UTC with second precision. */
export function gitHubTimestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * In-memory state of the hosted repositories. Owner and name are matched case-insensitively,
 * as on GitHub; the spelling given at creation is kept for URLs and paths.
 */
export class RepoStore {
  private readonly repos = new Map<string, RepoState>();
  private lastId = 1000;

  constructor(
    /** Folder holding `<owner>/<name>.git`. */
    readonly root: string,
    /** Emulator base URL, for clone and html URLs. */
    readonly baseUrl: string,
  ) {}

  /** A fresh GitHub-style numeric id (unique across all resources of this emulator). */
  nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  /** The repository, or undefined. */
  get(owner: string, name: string): RepoState | undefined {
    return this.repos.get(key(owner, name));
  }

  /** Path the bare repository of owner/name gets on disk. */
  gitDirFor(owner: string, name: string): string {
    return path.join(this.root, owner, `${name}.git`);
  }

  /** Registers a repository whose bare git dir already exists. Throws when it is already known. */
  add(record: Omit<RepositoryRecord, 'fullName' | 'cloneUrl' | 'htmlUrl'>): RepoState {
    const k = key(record.owner, record.name);
    if (this.repos.has(k)) throw new Error(`repository ${record.owner}/${record.name} already exists`);
    const fullName = `${record.owner}/${record.name}`;
    const state: RepoState = {
      id: this.nextId(),
      record: {
        ...record,
        fullName,
        cloneUrl: `${this.baseUrl}/${fullName}.git`,
        htmlUrl: `${this.baseUrl}/${fullName}`,
      },
      createdAt: gitHubTimestamp(),
      pulls: [],
      comments: [],
      labels: [],
      nextNumber: 1,
      queue: Promise.resolve(),
    };
    this.repos.set(k, state);
    return state;
  }

  /** Whether owner/name is taken (case-insensitively). */
  has(owner: string, name: string): boolean {
    return this.repos.has(key(owner, name));
  }

  /**
   * Runs `task` after every earlier task of the same repository has settled, so that checks
   * like "a PR already exists for this head" and the write that follows are atomic.
   */
  exclusive<T>(repo: RepoState, task: () => Promise<T>): Promise<T> {
    const run = repo.queue.then(task, task);
    repo.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

function key(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}
