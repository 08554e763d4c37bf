import type { CommitDetails } from './git-queries.js';
import type { LabelState, PullRequestState, RepoState } from './repo-store.js';
import type { BranchInfo, IssueCommentRecord } from './types.js';

/** A JSON object as sent to clients. */
export type Json = Record<string, unknown>;

/** Where the REST API lives and where html pages would be; both are the emulator root. */
export interface UrlBase {
  baseUrl: string;
}

function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}:${id}`).toString('base64');
}

/** Stable numeric id for a login (GitHub ids are numbers; the emulator has no user table). */
function userId(login: string): number {
  let hash = 7;
  for (const ch of login.toLowerCase()) hash = (hash * 31 + ch.charCodeAt(0)) % 1_000_000;
  return 100_000 + hash;
}

/** `simple-user` shape. */
export function userJson({ baseUrl }: UrlBase, login: string): Json {
  return {
    login,
    id: userId(login),
    node_id: nodeId('User', login),
    type: 'User',
    site_admin: false,
    url: `${baseUrl}/users/${login}`,
    html_url: `${baseUrl}/${login}`,
  };
}

/** `full-repository` shape (the fields clients read, with GitHub's names). */
export function repoJson(base: UrlBase, repo: RepoState): Json {
  const { record } = repo;
  const api = `${base.baseUrl}/repos/${record.fullName}`;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: record.name,
    full_name: record.fullName,
    owner: userJson(base, record.owner),
    private: record.private,
    visibility: record.private ? 'private' : 'public',
    html_url: record.htmlUrl,
    description: null,
    fork: false,
    url: api,
    clone_url: record.cloneUrl,
    git_url: record.cloneUrl.replace(/^https?:/, 'git:'),
    svn_url: record.htmlUrl,
    pulls_url: `${api}/pulls{/number}`,
    branches_url: `${api}/branches{/branch}`,
    default_branch: record.defaultBranch,
    archived: record.archived,
    disabled: false,
    has_issues: true,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: repo.createdAt,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
  };
}

/** Item of `GET /repos/{o}/{r}/branches`. */
export function shortBranchJson(base: UrlBase, repo: RepoState, branch: BranchInfo): Json {
  return {
    name: branch.name,
    commit: { sha: branch.sha, url: `${base.baseUrl}/repos/${repo.record.fullName}/commits/${branch.sha}` },
    protected: false,
  };
}

/** `GET /repos/{o}/{r}/branches/{branch}`. */
export function branchJson(base: UrlBase, repo: RepoState, branch: BranchInfo, commit: CommitDetails): Json {
  const api = `${base.baseUrl}/repos/${repo.record.fullName}`;
  return {
    name: branch.name,
    commit: {
      sha: commit.sha,
      node_id: nodeId('Commit', commit.sha),
      url: `${api}/commits/${commit.sha}`,
      html_url: `${repo.record.htmlUrl}/commit/${commit.sha}`,
      commit: {
        message: commit.message,
        author: commit.author,
        committer: commit.committer,
        url: `${api}/git/commits/${commit.sha}`,
      },
      parents: [],
    },
    _links: { self: `${api}/branches/${branch.name}`, html: `${repo.record.htmlUrl}/tree/${branch.name}` },
    protected: false,
    protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
    protection_url: `${api}/branches/${branch.name}/protection`,
  };
}

/** A label object. */
export function labelJson(base: UrlBase, repo: RepoState, label: LabelState): Json {
  return {
    id: label.id,
    node_id: nodeId('Label', label.id),
    url: `${base.baseUrl}/repos/${repo.record.fullName}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: null,
  };
}

/** Line counts that only the single-PR responses carry. */
export interface PullStats {
  commits: number;
  additions: number;
  deletions: number;
  changedFiles: number;
}

/** `pull-request-simple` (list) or, with `stats`, `pull-request` (get/create/update) shape. */
export function pullJson(base: UrlBase, repo: RepoState, pr: PullRequestState, stats?: PullStats): Json {
  const api = `${base.baseUrl}/repos/${repo.record.fullName}`;
  const owner = repo.record.owner;
  const labels = pr.labels
    .map((name) => repo.labels.find((l) => l.name === name))
    .filter((l): l is LabelState => l !== undefined)
    .map((l) => labelJson(base, repo, l));
  const ref = (branch: string, sha: string): Json => ({
    label: `${owner}:${branch}`,
    ref: branch,
    sha,
    user: userJson(base, owner),
    repo: repoJson(base, repo),
  });
  const json: Json = {
    url: `${api}/pulls/${pr.number}`,
    id: pr.id,
    node_id: nodeId('PullRequest', pr.id),
    html_url: pr.htmlUrl,
    diff_url: `${pr.htmlUrl}.diff`,
    patch_url: `${pr.htmlUrl}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userJson(base, pr.user),
    body: pr.body,
    labels,
    milestone: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: pr.requestedReviewers.map((login) => userJson(base, login)),
    requested_teams: [],
    head: ref(pr.head, pr.headSha),
    base: ref(pr.base, pr.baseSha),
    author_association: 'OWNER',
    auto_merge: null,
    draft: pr.draft,
  };
  if (stats) {
    Object.assign(json, {
      merged: false,
      mergeable: null,
      mergeable_state: 'unknown',
      merged_by: null,
      comments: repo.comments.filter((c) => c.issueNumber === pr.number).length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: stats.commits,
      additions: stats.additions,
      deletions: stats.deletions,
      changed_files: stats.changedFiles,
    });
  }
  return json;
}

/** An issue comment. */
export function commentJson(base: UrlBase, repo: RepoState, comment: IssueCommentRecord): Json {
  const api = `${base.baseUrl}/repos/${repo.record.fullName}`;
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url: `${api}/issues/comments/${comment.id}`,
    html_url: comment.htmlUrl,
    issue_url: `${api}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: userJson(base, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: 'OWNER',
  };
}
