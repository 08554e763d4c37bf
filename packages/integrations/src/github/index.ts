export { createGitHubCodeHost, type GitHubCodeHostOptions } from './github-code-host.js';
