/**
 * An error the emulator answers in Jira's error-collection shape:
 * `{"errorMessages": [...], "errors": {field: message}}`.
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#status-codes
 */
export class JiraApiError extends Error {
  constructor(
    /** HTTP status to answer with. */
    readonly status: number,
    /** General messages. */
    readonly errorMessages: string[],
    /** Messages keyed by field id. */
    readonly errors: Record<string, string> = {},
  ) {
    super(errorMessages[0] ?? Object.values(errors)[0] ?? `HTTP ${status}`);
    this.name = 'JiraApiError';
  }

  /** The response body Jira sends for this error. */
  toBody(): { errorMessages: string[]; errors: Record<string, string> } {
    return { errorMessages: this.errorMessages, errors: this.errors };
  }
}

/** A 400 with general messages. */
export function badRequest(...messages: string[]): JiraApiError {
  return new JiraApiError(400, messages);
}

/** A 400 with per-field messages (Jira leaves `errorMessages` empty then). */
export function fieldErrors(errors: Record<string, string>): JiraApiError {
  return new JiraApiError(400, [], errors);
}

/** Jira's 404 for an unknown or invisible issue. */
export function issueNotFound(): JiraApiError {
  return new JiraApiError(404, ['Issue does not exist or you do not have permission to see it.']);
}
