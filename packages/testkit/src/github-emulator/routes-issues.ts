import { docs, unprocessable, validationFailed } from './github-errors.js';
import { commentJson, labelJson } from './json-shapes.js';
import { paginate } from './pagination.js';
import { gitHubTimestamp, type RepoState } from './repo-store.js';
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

const issuePath = '^/repos/(?<owner>[^/]+)/(?<repo>[^/]+)/issues/(?<number>\\d+)';

/**
 * Issue comments and labels. Only pull requests exist in the emulator, so issue numbers are PR
 * numbers (GitHub numbers issues and PRs from one sequence and serves PR comments here).
 */
export const issueRoutes: RestRoute[] = [
  { method: 'GET', pattern: new RegExp(`${issuePath}/comments$`), handler: listComments },
  { method: 'POST', pattern: new RegExp(`${issuePath}/comments$`), handler: createComment },
  {
    method: 'GET',
    pattern: new RegExp(`${issuePath}/labels$`),
    handler: async (req, deps) => {
      const repo = requireRepo(req, deps);
      return json(issueLabels(deps, repo, requirePull(repo, req).labels));
    },
  },
  { method: 'POST', pattern: new RegExp(`${issuePath}/labels$`), handler: addLabels },
];

async function listComments(req: RestRequest, deps: RestDeps): Promise<RestResponse> {
  const repo = requireRepo(req, deps);
  const pr = requirePull(repo, req);
  const comments = repo.comments.filter((c) => c.issueNumber === pr.number);
  const page = paginate(comments, req.url, 'https://docs.github.com/rest/issues/comments#list-issue-comments');
  return json(
    page.items.map((c) => commentJson(deps, repo, c)),
    200,
    page.link ? { link: page.link } : undefined,
  );
}

async function createComment(req: RestRequest, deps: RestDeps): Promise<RestResponse> {
  const repo = requireWritableRepo(req, deps);
  const pr = requirePull(repo, req);
  const body = jsonObject(req);
  if (body.body === undefined || body.body === '') {
    throw validationFailed([{ resource: 'IssueComment', code: 'missing_field', field: 'body' }], docs.createComment);
  }
  if (typeof body.body !== 'string') {
    throw unprocessable(
      `Invalid request.\n\nFor 'body', ${JSON.stringify(body.body)} is not a string.`,
      docs.createComment,
    );
  }
  const id = deps.store.nextId();
  const now = gitHubTimestamp();
  const comment = {
    id,
    issueNumber: pr.number,
    body: body.body,
    user: deps.login,
    htmlUrl: `${pr.htmlUrl}#issuecomment-${id}`,
    createdAt: now,
    updatedAt: now,
  };
  repo.comments.push(comment);
  return json(commentJson(deps, repo, comment), 201, {
    location: `${deps.baseUrl}/repos/${repo.record.fullName}/issues/comments/${id}`,
  });
}

/** Label names from `{labels: [...]}` or a bare array; entries may be strings or `{name}`. */
function labelNames(req: RestRequest): string[] {
  let value: unknown;
  try {
    value = req.body.length === 0 ? undefined : JSON.parse(req.body.toString('utf8'));
  } catch {
    value = undefined;
  }
  const list = Array.isArray(value) ? value : (jsonObject(req).labels as unknown);
  if (!Array.isArray(list) || list.length === 0) {
    throw validationFailed([{ resource: 'Label', code: 'missing_field', field: 'labels' }], docs.addLabels);
  }
  return list.map((entry: unknown) => {
    if (typeof entry === 'string' && entry.trim() !== '') return entry;
    if (typeof entry === 'object' && entry !== null && typeof (entry as { name?: unknown }).name === 'string') {
      return (entry as { name: string }).name;
    }
    throw unprocessable(
      `Invalid request.\n\nFor 'labels', ${JSON.stringify(entry)} is not a label name.`,
      docs.addLabels,
    );
  });
}

async function addLabels(req: RestRequest, deps: RestDeps): Promise<RestResponse> {
  const repo = requireWritableRepo(req, deps);
  const pr = requirePull(repo, req);
  for (const name of labelNames(req)) {
    // GitHub creates a missing label on the fly; names match case-insensitively.
    let label = repo.labels.find((l) => l.name.toLowerCase() === name.toLowerCase());
    if (!label) {
      label = { id: deps.store.nextId(), name, color: 'ededed' };
      repo.labels.push(label);
    }
    if (!pr.labels.includes(label.name)) pr.labels.push(label.name);
  }
  pr.updatedAt = gitHubTimestamp();
  return json(issueLabels(deps, repo, pr.labels));
}

function issueLabels(deps: RestDeps, repo: RepoState, names: string[]) {
  return names.flatMap((name) => {
    const label = repo.labels.find((l) => l.name === name);
    return label ? [labelJson(deps, repo, label)] : [];
  });
}
