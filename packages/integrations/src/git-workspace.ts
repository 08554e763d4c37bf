/** A file changed in the working tree relative to HEAD (staged, unstaged or untracked). */
export interface ChangedFile {
  path: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed';
}

/** Clone options. */
export interface CloneOptions {
  /** HTTPS clone URL (from the code host). Never contains credentials. */
  url: string;
  /** Target directory (must not exist or be empty). */
  dir: string;
  /** Branch to check out. */
  branch: string;
  /** Shallow clone depth; 1 by default. */
  depth?: number;
  signal?: AbortSignal;
}

/** Commit identity. */
export interface CommitAuthor {
  name: string;
  email: string;
}

/**
 * Git operations on a local clone. The HTTPS token is sent per command as an HTTP header and
 * never written to the URL, `.git/config` or logs. Throws `IntegrationError` (`network`,
 * `unauthorized`, `not_found`, `bad_input`, `conflict` for a rejected push).
 */
export interface GitWorkspace {
  clone(options: CloneOptions): Promise<void>;
  /** Creates and checks out `branch` at HEAD (resets it if it exists locally). */
  createBranch(dir: string, branch: string): Promise<void>;
  /** Changes in the working tree vs HEAD, untracked files included (`.gitignore` respected). */
  changedFiles(dir: string): Promise<ChangedFile[]>;
  /** Unified diff of the working tree vs HEAD, untracked files included. */
  diff(dir: string): Promise<string>;
  /** Stages everything and commits; returns the new commit sha. */
  commitAll(dir: string, message: string, author: CommitAuthor): Promise<string>;
  /**
   * Pushes HEAD to `branch` on origin with `--force-with-lease` (safe to repeat: our branch is a
   * pure function of the ticket).
   */
  push(dir: string, branch: string, signal?: AbortSignal): Promise<void>;
  /** `git reset --hard` + `git clean -fdx`: back to the last commit. */
  reset(dir: string): Promise<void>;
  /** Tracked files (`git ls-files`), relative paths. */
  listFiles(dir: string): Promise<string[]>;
}
