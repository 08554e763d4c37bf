import { branchSha, changedFiles, commitsAhead } from './git-queries.js';
import { docs, unprocessable, type ValidationErrorItem, validationFailed } from './github-errors.js';
import { type Json, pullJson, type UrlBase } from './json-shapes.js';
import { paginate } from './pagination.js';
import { pullDiffText, pullStats, refreshPullShas } from './pull-git.js';
import { gitHubTimestamp, type PullRequestState, type RepoState } from './repo-store.js';
import {
  json,
  jsonObject,
  type RestDeps,
  type RestRequest,
  type RestResponse,
  type RestRoute,
  requirePull,
  requireRepo,
  requireWritableRepo,
} from './rest-types.js';

const pullsPath = '^/repos/(?<owner>[^/]+)/(?<repo>[^/]+)/pulls';

/** Pull requests: list, get (also as a diff), create, update, files, requested reviewers. */
export const pullRoutes: RestRoute[] = [
  { method: 'GET', pattern: new RegExp(`${pullsPath}$`), handler: listPulls },
  { method: 'POST', pattern: new RegExp(`${pullsPath}$`), handler: createPull },
  { method: 'GET', pattern: new RegExp(`${pullsPath}/(?<number>\\d+)$`), handler: getPull },
  { method: 'PATCH', pattern: new RegExp(`${pullsPath}/(?<number>\\d+)$`), handler: updatePull },
  { method: 'GET', pattern: new RegExp(`${pullsPath}/(?<number>\\d+)/files$`), handler: listPullFiles },
  {
    method: 'GET',
    pattern: new RegExp(`${pullsPath}/(?<number>\\d+)/requested_reviewers$`),
    handler: async (req, deps) => {
      const pr = requirePull(requireRepo(req, deps), req);
      return json({ users: pr.requestedReviewers.map((login) => ({ login })), teams: [] });
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`${pullsPath}/(?<number>\\d+)/requested_reviewers$`),
    handler: requestReviewers,
  },
];

async function fullPullJson(base: UrlBase, repo: RepoState, pr: PullRequestState): Promise<Json> {
  await refreshPullShas(repo, pr);
  return pullJson(base, repo, pr, await pullStats(repo, pr));
}

/** GitHub answers a type error in the body with a plain 422 "Invalid request." message. */
function invalidRequest(field: string, expected: string, value: unknown, documentationUrl: string) {
  return unprocessable(
    `Invalid request.\n\nFor '${field}', ${JSON.stringify(value)} is not ${expected}.`,
    documentationUrl,
  );
}

function optionalString(body: Record<string, unknown>, field: string, documentationUrl: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidRequest(field, 'a string', value, documentationUrl);
  return value;
}

function alreadyExists(owner: string, head: string): ValidationErrorItem {
  return { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${owner}:${head}.` };
}

async function listPulls(req: RestRequest, deps: RestDeps): Promise<RestResponse> {
  const repo = requireRepo(req, deps);
  const q = req.url.searchParams;
  const state = q.get('state') ?? 'open';
  if (!['open', 'closed', 'all'].includes(state)) {
    throw validationFailed([{ resource: 'Issue', field: 'state', code: 'invalid' }], docs.listPulls);
  }
  let pulls = repo.pulls.filter((p) => state === 'all' || p.state === state);
  const head = q.get('head');
  // GitHub filters by head only in the `user:ref-name` form and silently ignores a bare branch
  // name (https://docs.github.com/rest/pulls/pulls#list-pull-requests; see also
  // https://github.com/hub4j/github-api/pull/538). Emulated, so adapters that forget the owner fail.
  if (head?.includes(':')) {
    const [owner = '', ...rest] = head.split(':');
    const branch = rest.join(':');
    pulls = owner.toLowerCase() === repo.record.owner.toLowerCase() ? pulls.filter((p) => p.head === branch) : [];
  }
  const base = q.get('base');
  if (base) pulls = pulls.filter((p) => p.base === base);
  const key = q.get('sort') === 'updated' ? 'updatedAt' : 'createdAt';
  const direction = q.get('direction') === 'asc' ? 1 : -1;
  pulls = [...pulls].sort((a, b) => (a[key] === b[key] ? a.number - b.number : a[key] < b[key] ? -1 : 1) * direction);
  const page = paginate(pulls, req.url, docs.listPulls);
  await Promise.all(page.items.map((pr) => refreshPullShas(repo, pr)));
  return json(
    page.items.map((pr) => pullJson(deps, repo, pr)),
    200,
    page.link ? { link: page.link } : undefined,
  );
}

async function getPull(req: RestRequest, deps: RestDeps): Promise<RestResponse> {
  const repo = requireRepo(req, deps);
  const pr = requirePull(repo, req);
  // `Accept: application/vnd.github.diff` returns the diff instead of JSON
  // (https://docs.github.com/rest/pulls/pulls#get-a-pull-request, "custom media types").
  const accept = String(req.headers.accept ?? '');
  if (/application\/vnd\.github(\.v3)?\.diff/.test(accept)) {
    return {
      status: 200,
      body: await pullDiffText(repo, pr),
      contentType: 'application/vnd.github.diff; charset=utf-8',
    };
  }
  return json(await fullPullJson(deps, repo, pr));
}

async function createPull(req: RestRequest, deps: RestDeps): Promise<RestResponse> {
  const repo = requireWritableRepo(req, deps);
  const body = jsonObject(req);
  const title = optionalString(body, 'title', docs.createPull);
  const head = optionalString(body, 'head', docs.createPull);
  const base = optionalString(body, 'base', docs.createPull);
  const text = body.body === null ? null : optionalString(body, 'body', docs.createPull);
  const draft = body.draft;
  if (draft !== undefined && typeof draft !== 'boolean')
    throw invalidRequest('draft', 'a boolean', draft, docs.createPull);

  const missing: ValidationErrorItem[] = [];
  if (!head) missing.push({ resource: 'PullRequest', code: 'missing_field', field: 'head' });
  if (!base) missing.push({ resource: 'PullRequest', code: 'missing_field', field: 'base' });
  if (!title) missing.push({ resource: 'PullRequest', code: 'missing_field', field: 'title' });
  if (missing.length > 0 || !head || !base || !title) throw validationFailed(missing, docs.createPull);

  // `head` may be `branch` or `owner:branch`; forks are not emulated, so the owner must be ours.
  const colon = head.indexOf(':');
  const headOwner = colon === -1 ? repo.record.owner : head.slice(0, colon);
  const headBranch = colon === -1 ? head : head.slice(colon + 1);
  const gitDir = repo.record.gitDir;

  return deps.store.exclusive(repo, async () => {
    const [headSha, baseSha] = await Promise.all([
      headOwner.toLowerCase() === repo.record.owner.toLowerCase() ? branchSha(gitDir, headBranch) : null,
      branchSha(gitDir, base),
    ]);
    // Shapes as GitHub sends them: a missing branch is `invalid` on its field; a duplicate or an
    // empty PR is a `custom` error with a message (observed responses quoted in
    // https://github.com/github/VisualStudio/issues/453 and
    // https://github.com/peter-evans/create-pull-request/issues/2105).
    const invalid: ValidationErrorItem[] = [];
    if (!headSha) invalid.push({ resource: 'PullRequest', field: 'head', code: 'invalid' });
    if (!baseSha) invalid.push({ resource: 'PullRequest', field: 'base', code: 'invalid' });
    if (!headSha || !baseSha) throw validationFailed(invalid, docs.createPull);
    // GitHub refuses a second open PR for the same head into the same base.
    if (repo.pulls.some((p) => p.state === 'open' && p.head === headBranch && p.base === base)) {
      throw validationFailed([alreadyExists(repo.record.owner, headBranch)], docs.createPull);
    }
    if ((await commitsAhead(gitDir, baseSha, headSha)) === 0) {
      throw validationFailed(
        [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }],
        docs.createPull,
      );
    }
    const now = gitHubTimestamp();
    const number = repo.nextNumber++;
    const pr: PullRequestState = {
      id: deps.store.nextId(),
      number,
      title,
      body: text ?? null,
      state: 'open',
      draft: draft ?? false,
      head: headBranch,
      base,
      headSha,
      baseSha,
      labels: [],
      requestedReviewers: [],
      user: deps.login,
      htmlUrl: `${repo.record.htmlUrl}/pull/${number}`,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    repo.pulls.push(pr);
    return json(await fullPullJson(deps, repo, pr), 201, {
      location: `${deps.baseUrl}/repos/${repo.record.fullName}/pulls/${number}`,
    });
  });
}

async function updatePull(req: RestRequest, deps: RestDeps): Promise<RestResponse> {
  const repo = requireWritableRepo(req, deps);
  const body = jsonObject(req);
  const title = optionalString(body, 'title', docs.updatePull);
  const text = body.body === null ? null : optionalString(body, 'body', docs.updatePull);
  const state = optionalString(body, 'state', docs.updatePull);
  const base = optionalString(body, 'base', docs.updatePull);
  if (state !== undefined && state !== 'open' && state !== 'closed') {
    throw validationFailed([{ resource: 'PullRequest', field: 'state', code: 'invalid' }], docs.updatePull);
  }
  return deps.store.exclusive(repo, async () => {
    const pr = requirePull(repo, req);
    let baseSha: string | null = null;
    if (base !== undefined) {
      baseSha = await branchSha(repo.record.gitDir, base);
      if (!baseSha)
        throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }], docs.updatePull);
    }
    const nextBase = base ?? pr.base;
    if (
      state === 'open' &&
      pr.state === 'closed' &&
      repo.pulls.some((p) => p !== pr && p.state === 'open' && p.head === pr.head && p.base === nextBase)
    ) {
      throw validationFailed([alreadyExists(repo.record.owner, pr.head)], docs.updatePull);
    }
    if (title !== undefined) pr.title = title;
    if (text !== undefined) pr.body = text;
    if (base !== undefined && baseSha) {
      pr.base = base;
      pr.baseSha = baseSha;
    }
    const now = gitHubTimestamp();
    if (state !== undefined && state !== pr.state) {
      pr.state = state;
      pr.closedAt = state === 'closed' ? now : null;
    }
    pr.updatedAt = now;
    return json(await fullPullJson(deps, repo, pr));
  });
}

async function listPullFiles(req: RestRequest, deps: RestDeps): Promise<RestResponse> {
  const repo = requireRepo(req, deps);
  const pr = requirePull(repo, req);
  await refreshPullShas(repo, pr);
  const files = await changedFiles(repo.record.gitDir, pr.baseSha, pr.headSha);
  const page = paginate(files, req.url, 'https://docs.github.com/rest/pulls/pulls#list-pull-requests-files');
  const api = `${deps.baseUrl}/repos/${repo.record.fullName}`;
  return json(
    page.items.map((f) => ({
      sha: f.sha,
      filename: f.filename,
      status: f.status,
      additions: f.additions,
      deletions: f.deletions,
      changes: f.additions + f.deletions,
      blob_url: `${repo.record.htmlUrl}/blob/${pr.headSha}/${f.filename}`,
      raw_url: `${repo.record.htmlUrl}/raw/${pr.headSha}/${f.filename}`,
      contents_url: `${api}/contents/${f.filename}?ref=${pr.headSha}`,
      ...(f.patch === undefined ? {} : { patch: f.patch }),
      ...(f.previousFilename === undefined ? {} : { previous_filename: f.previousFilename }),
    })),
    200,
    page.link ? { link: page.link } : undefined,
  );
}

function stringList(body: Record<string, unknown>, field: string): string[] {
  const value = body[field];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw invalidRequest(field, 'an array of strings', value, docs.requestReviewers);
  }
  return value;
}

async function requestReviewers(req: RestRequest, deps: RestDeps): Promise<RestResponse> {
  const repo = requireWritableRepo(req, deps);
  const pr = requirePull(repo, req);
  const body = jsonObject(req);
  const reviewers = stringList(body, 'reviewers');
  const teams = stringList(body, 'team_reviewers');
  if (reviewers.length === 0 && teams.length === 0) {
    throw validationFailed(
      [{ resource: 'PullRequest', field: 'reviewers', code: 'missing_field' }],
      docs.requestReviewers,
    );
  }
  if (reviewers.some((login) => login.toLowerCase() === pr.user.toLowerCase())) {
    throw unprocessable('Review cannot be requested from pull request author.', docs.requestReviewers);
  }
  for (const login of reviewers) {
    if (!pr.requestedReviewers.some((r) => r.toLowerCase() === login.toLowerCase())) pr.requestedReviewers.push(login);
  }
  pr.updatedAt = gitHubTimestamp();
  await refreshPullShas(repo, pr);
  return json(pullJson(deps, repo, pr), 201);
}
