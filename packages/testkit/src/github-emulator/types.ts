/** A repository hosted by the emulator (control-API view). */
export interface RepositoryRecord {
  owner: string;
  name: string;
  /** `owner/name`. */
  fullName: string;
  defaultBranch: string;
  private: boolean;
  /** Archived repositories refuse REST writes and pushes with 403, as on GitHub. */
  archived: boolean;
  /** Absolute path of the bare repository on disk. */
  gitDir: string;
  /** `<emulator url>/<owner>/<name>.git`. */
  cloneUrl: string;
  /** `<emulator url>/<owner>/<name>`. */
  htmlUrl: string;
}

/** A branch and the commit it points at. */
export interface BranchInfo {
  name: string;
  sha: string;
}

/** A pull request as the emulator stores it (control-API view, not GitHub's JSON). */
export interface PullRequestRecord {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  /** Head branch name (same repository; forks are not emulated). */
  head: string;
  /** Base branch name. */
  base: string;
  /** Label names, in the order they were added. */
  labels: string[];
  /** Logins whose review was requested. */
  requestedReviewers: string[];
  /** Login of the author (the token's user). */
  user: string;
  htmlUrl: string;
  /** ISO-8601 timestamps, second precision, as GitHub writes them. */
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** A comment on an issue or pull request. */
export interface IssueCommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  htmlUrl: string;
  createdAt: string;
  updatedAt: string;
}
