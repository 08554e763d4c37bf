import { branchSha, changedFiles, commitsAhead, threeDotDiff } from './git-queries.js';
import type { PullStats } from './json-shapes.js';
import type { PullRequestState, RepoState } from './repo-store.js';

/**
 * Updates the PR's head/base shas from the branches (a push moves them, as on GitHub); keeps the
 * last known sha when a branch was deleted. Idempotent.
 */
export async function refreshPullShas(repo: RepoState, pr: PullRequestState): Promise<void> {
  const [head, base] = await Promise.all([
    branchSha(repo.record.gitDir, pr.head),
    branchSha(repo.record.gitDir, pr.base),
  ]);
  if (head) pr.headSha = head;
  if (base) pr.baseSha = base;
}

/** Commit and line counts of a PR (for the single-PR responses). */
export async function pullStats(repo: RepoState, pr: PullRequestState): Promise<PullStats> {
  const [commits, files] = await Promise.all([
    commitsAhead(repo.record.gitDir, pr.baseSha, pr.headSha),
    changedFiles(repo.record.gitDir, pr.baseSha, pr.headSha),
  ]);
  return {
    commits,
    additions: files.reduce((n, f) => n + f.additions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
    changedFiles: files.length,
  };
}

/** Unified diff `base...head` of a PR, after refreshing its shas. */
export async function pullDiffText(repo: RepoState, pr: PullRequestState): Promise<string> {
  await refreshPullShas(repo, pr);
  return threeDotDiff(repo.record.gitDir, pr.baseSha, pr.headSha);
}
