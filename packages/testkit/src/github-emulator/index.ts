/**
 * GitHub emulator for tests and the demo: REST (octokit-compatible) and git smart HTTP on one
 * loopback port, plus a control API. Entry point of `@khitomer/testkit/github`.
 */
export type { CreateRepoOptions } from './control-api.js';
export { ControlApiError } from './control-api.js';
export {
  DEFAULT_GITHUB_LOGIN,
  DEFAULT_GITHUB_TOKEN,
  type GitHubEmulator,
  type GitHubEmulatorOptions,
  startGitHubEmulator,
} from './emulator.js';
export type { BranchInfo, IssueCommentRecord, PullRequestRecord, RepositoryRecord } from './types.js';
