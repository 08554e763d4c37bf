import { branchSha, commitDetails, listBranches } from './git-queries.js';
import { GitHubHttpError } from './github-errors.js';
import { branchJson, repoJson, shortBranchJson, userJson } from './json-shapes.js';
import { paginate } from './pagination.js';
import { json, type RestRoute, requireRepo } from './rest-types.js';

const repoPath = '^/repos/(?<owner>[^/]+)/(?<repo>[^/]+)';

/** Root, rate limit, the authenticated user, repositories and branches. */
export const repoRoutes: RestRoute[] = [
  {
    method: 'GET',
    pattern: /^\/$/,
    handler: async (_req, { baseUrl }) =>
      json({
        current_user_url: `${baseUrl}/user`,
        rate_limit_url: `${baseUrl}/rate_limit`,
        repository_url: `${baseUrl}/repos/{owner}/{repo}`,
      }),
  },
  {
    method: 'GET',
    pattern: /^\/rate_limit$/,
    handler: async () => {
      const core = {
        limit: 5000,
        remaining: 5000,
        used: 0,
        reset: Math.floor(Date.now() / 1000) + 3600,
        resource: 'core',
      };
      return json({ resources: { core }, rate: core });
    },
  },
  {
    method: 'GET',
    pattern: /^\/user$/,
    handler: async (_req, deps) => json(userJson(deps, deps.login)),
  },
  {
    method: 'GET',
    pattern: new RegExp(`${repoPath}$`),
    handler: async (req, deps) => json(repoJson(deps, requireRepo(req, deps))),
  },
  {
    method: 'GET',
    pattern: new RegExp(`${repoPath}/branches$`),
    handler: async (req, deps) => {
      const repo = requireRepo(req, deps);
      const branches = await listBranches(repo.record.gitDir);
      const page = paginate(branches, req.url, 'https://docs.github.com/rest/branches/branches#list-branches');
      return json(
        page.items.map((b) => shortBranchJson(deps, repo, b)),
        200,
        page.link ? { link: page.link } : undefined,
      );
    },
  },
  {
    method: 'GET',
    // Branch names may contain `/`; octokit sends them percent-encoded, curl users often do not.
    pattern: new RegExp(`${repoPath}/branches/(?<branch>.+)$`),
    handler: async (req, deps) => {
      const repo = requireRepo(req, deps);
      const name = req.params.branch ?? '';
      const sha = await branchSha(repo.record.gitDir, name);
      // GitHub answers an unknown branch with 404 "Branch not found".
      if (!sha) throw notFoundBranch();
      const commit = await commitDetails(repo.record.gitDir, sha);
      return json(branchJson(deps, repo, { name, sha }, commit));
    },
  },
];

function notFoundBranch(): GitHubHttpError {
  return new GitHubHttpError(404, {
    message: 'Branch not found',
    documentation_url: 'https://docs.github.com/rest/branches/branches#get-a-branch',
    status: '404',
  });
}
