export { withMirrorCache } from './cached-git-workspace.js';
export {
  createMirrorCache,
  type MirrorCache,
  type MirrorCacheOptions,
  type MirrorCloneReport,
} from './mirror-cache.js';
export { createGitWorkspace, type GitWorkspaceOptions } from './simple-git-workspace.js';
