export { createGitWorkspace, type GitWorkspaceOptions } from './simple-git-workspace.js';
