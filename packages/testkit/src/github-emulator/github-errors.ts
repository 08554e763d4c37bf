/** Where GitHub's error bodies point; the emulator uses the same addresses. */
export const docs = {
  rest: 'https://docs.github.com/rest',
  createPull: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
  updatePull: 'https://docs.github.com/rest/pulls/pulls#update-a-pull-request',
  listPulls: 'https://docs.github.com/rest/pulls/pulls#list-pull-requests',
  createComment: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
  addLabels: 'https://docs.github.com/rest/issues/labels#add-labels-to-an-issue',
  requestReviewers: 'https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request',
} as const;

/** One entry of a 422 `errors` array (https://docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api). */
export interface ValidationErrorItem {
  resource: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  field?: string;
  message?: string;
}

/**
 * An error response in GitHub's shape. Route handlers throw it; the REST dispatcher turns it
 * into the response (it is never retried by the emulator itself).
 */
export class GitHubHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: { message: string; documentation_url: string; errors?: ValidationErrorItem[]; status?: string },
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
    this.name = 'GitHubHttpError';
  }
}

/** 401 for a wrong token (GitHub: "Bad credentials"). */
export function badCredentials(): GitHubHttpError {
  return new GitHubHttpError(401, { message: 'Bad credentials', documentation_url: docs.rest, status: '401' });
}

/** 401 for a request without credentials (GitHub: "Requires authentication"). */
export function requiresAuthentication(): GitHubHttpError {
  return new GitHubHttpError(401, { message: 'Requires authentication', documentation_url: docs.rest, status: '401' });
}

/** 404 as GitHub sends it for unknown routes, repositories and numbers (also hidden private ones). */
export function notFound(documentationUrl: string = docs.rest): GitHubHttpError {
  return new GitHubHttpError(404, { message: 'Not Found', documentation_url: documentationUrl, status: '404' });
}

/** 400 for a body that is not valid JSON. */
export function problemsParsingJson(): GitHubHttpError {
  return new GitHubHttpError(400, { message: 'Problems parsing JSON', documentation_url: docs.rest, status: '400' });
}

/** 422 `Validation Failed` with GitHub's `errors` array. */
export function validationFailed(errors: ValidationErrorItem[], documentationUrl: string): GitHubHttpError {
  return new GitHubHttpError(422, {
    message: 'Validation Failed',
    errors,
    documentation_url: documentationUrl,
    status: '422',
  });
}

/** 422 with a plain message (GitHub uses this shape for some rule violations). */
export function unprocessable(message: string, documentationUrl: string): GitHubHttpError {
  return new GitHubHttpError(422, { message, documentation_url: documentationUrl, status: '422' });
}

/** 403 for writes to an archived repository. */
export function archivedReadOnly(): GitHubHttpError {
  return new GitHubHttpError(403, {
    message: 'Repository was archived so is read-only.',
    documentation_url: docs.rest,
    status: '403',
  });
}
