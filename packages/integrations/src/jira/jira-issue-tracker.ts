/**
 * `IssueTracker` over jira.js `Version3Client` (Jira Cloud REST v3, basic auth).
 */
import { Version3Client } from 'jira.js';
import type { AdfDocument } from '../adf.js';
import { IntegrationError } from '../errors.js';
import type { IssueTracker, SearchOptions, TrackerComment, TrackerField, TrackerIssue } from '../issue-tracker.js';
import { type Logger, silentLogger } from '../logger.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from '../retry.js';
import {
  MARKER_PROPERTY_KEY,
  normalizeTimestamp,
  STANDARD_FIELDS,
  toTrackerComment,
  toTrackerIssue,
} from './issue-mapper.js';
import { toJiraError } from './jira-errors.js';

/** Options of {@link createJiraIssueTracker}. */
export interface JiraIssueTrackerOptions {
  /** e.g. `https://acme.atlassian.net` (any http(s) URL). */
  baseUrl: string;
  /** Account email (basic auth user). */
  username: string;
  /** API token; never logged nor put into error messages. */
  apiToken: string;
  logger?: Logger;
  /** Per-request timeout in ms (default 30 000). */
  timeoutMs?: number;
  /** In-process retry of 429/5xx/network faults; see {@link DEFAULT_RETRY_POLICY}. */
  retry?: Partial<RetryPolicy>;
}

type Obj = Record<string, unknown>;

// search/jql defaults to 50 per page; it documents up to 5000 for ids only and "may return fewer
// items per page where a large number of fields or properties are requested" (pages with fields
// hold at most 100 in practice; the loop below copes with any smaller page). Asking for 100
// halves the requests of a poll against the default.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post
const DEFAULT_PAGE_SIZE = 100;
// "A list of up to 5 issue properties to include in the results" (same page).
const MAX_SEARCH_PROPERTIES = 5;
const COMMENT_PAGE_SIZE = 100;
const CHANGELOG_PAGE_SIZE = 100;

function obj(value: unknown): Obj | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : null;
}

function sameName(a: unknown, b: string): boolean {
  return typeof a === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted)
    return Promise.reject(new IntegrationError('aborted', 'Jira request aborted', { system: 'jira' }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new IntegrationError('aborted', 'Jira request aborted', { system: 'jira' }));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * Creates the Jira adapter. Every method throws `IntegrationError` (system `jira`): `rate_limited`
 * (with `retryAfterMs`), `unavailable`, `network` and `timeout` are retryable and have already
 * been retried in-process per `retry` (Retry-After honoured up to its cap); `unauthorized`,
 * `forbidden`, `not_found`, `bad_input` are not. Reads, transitions, remote links and marked
 * comments are retried on every transient fault; an unmarked comment only on 429 so it is never
 * posted twice. Does no I/O until a method is called. Throws `IntegrationError('bad_input')`
 * (not retryable) when `baseUrl` is not a valid URL.
 */
export function createJiraIssueTracker(options: JiraIssueTrackerOptions): IssueTracker {
  const logger = options.logger ?? silentLogger;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const secrets = [options.apiToken, Buffer.from(`${options.username}:${options.apiToken}`).toString('base64')];
  let client: Version3Client;
  try {
    client = new Version3Client({
      host: options.baseUrl.replace(/\/+$/, ''),
      authentication: { basic: { email: options.username, apiToken: options.apiToken } },
      baseRequestConfig: { timeout: options.timeoutMs ?? 30_000 },
    });
  } catch {
    throw new IntegrationError('bad_input', 'Jira base URL is not a valid http(s) URL', { system: 'jira' });
  }

  /** One library call, errors mapped, no retry. */
  async function once<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toJiraError(err, operation, secrets);
    }
  }

  /** Retries `fn` (which uses `once`) on transient faults. */
  function retrying<T>(operation: string, fn: () => Promise<T>, shouldRetry?: (err: IntegrationError) => boolean) {
    return withRetry(fn, { policy, operation: `jira ${operation}`, logger, ...(shouldRetry ? { shouldRetry } : {}) });
  }

  function call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return retrying(operation, () => once(operation, fn));
  }

  const issueRef = (key: string) => encodeURIComponent(key);

  /** All comments, each page fetched through `fetch` (`call` retries, `once` does not). */
  async function fetchComments(key: string, fetch: typeof once): Promise<TrackerComment[]> {
    const comments: { comment: TrackerComment; index: number }[] = [];
    for (let startAt = 0; ; ) {
      const page = await fetch('list comments', () =>
        client.issueComments.getComments({
          issueIdOrKey: issueRef(key),
          startAt,
          maxResults: COMMENT_PAGE_SIZE,
          orderBy: 'created',
          expand: 'properties',
        }),
      );
      const values = page.comments ?? [];
      for (const c of values) comments.push({ comment: toTrackerComment(c), index: comments.length });
      startAt += values.length;
      if (values.length === 0 || startAt >= (page.total ?? startAt)) break;
    }
    // Oldest first even if the server ignores orderBy; ties keep the server's order.
    comments.sort((a, b) => a.comment.created.localeCompare(b.comment.created) || a.index - b.index);
    return comments.map((c) => c.comment);
  }

  return {
    async ping(signal) {
      await raceAbort(
        once('ping', () => client.myself.getCurrentUser()),
        signal,
      );
    },

    async listFields(): Promise<TrackerField[]> {
      const fields = await call('list fields', () => client.issueFields.getFields());
      return fields
        .filter((f) => typeof f.id === 'string')
        .map((f) => ({ id: f.id ?? '', name: f.name ?? '', custom: f.custom === true }));
    },

    async searchIssues(jql: string, searchOptions: SearchOptions = {}): Promise<TrackerIssue[]> {
      const extra = searchOptions.extraFields ?? [];
      const fields = [...new Set<string>([...STANDARD_FIELDS, ...extra])];
      const properties = [...new Set(searchOptions.properties ?? [])];
      if (properties.length > MAX_SEARCH_PROPERTIES) {
        throw new IntegrationError(
          'bad_input',
          `Jira search returns at most ${MAX_SEARCH_PROPERTIES} issue properties, ${properties.length} were asked for`,
          { system: 'jira' },
        );
      }
      const pageSize = Math.min(5000, Math.max(1, searchOptions.pageSize ?? DEFAULT_PAGE_SIZE));
      const limit = searchOptions.limit ?? Number.POSITIVE_INFINITY;
      const issues: TrackerIssue[] = [];
      const seenTokens = new Set<string>();
      let nextPageToken: string | undefined;
      while (issues.length < limit) {
        const token = nextPageToken;
        const page = await call('search', () =>
          client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
            jql,
            fields,
            ...(properties.length > 0 ? { properties } : {}),
            maxResults: Math.min(pageSize, limit - issues.length),
            ...(token ? { nextPageToken: token } : {}),
          }),
        );
        for (const issue of page.issues ?? []) {
          if (issues.length >= limit) break;
          issues.push(toTrackerIssue(issue, extra, properties));
        }
        nextPageToken = page.nextPageToken ?? undefined;
        if (!nextPageToken || obj(page)?.isLast === true) break;
        if (seenTokens.has(nextPageToken)) {
          throw new IntegrationError('invalid_response', 'Jira search repeated a nextPageToken', { system: 'jira' });
        }
        seenTokens.add(nextPageToken);
      }
      logger.debug({ count: issues.length }, 'jira search done');
      return issues;
    },

    async getIssue(key, extraFields = []) {
      const fields = [...new Set<string>([...STANDARD_FIELDS, ...extraFields])];
      const issue = await call('get issue', () => client.issues.getIssue({ issueIdOrKey: issueRef(key), fields }));
      return toTrackerIssue(issue, extraFields);
    },

    async addComment(key: string, body: AdfDocument, commentOptions: { marker?: string } = {}) {
      const marker = commentOptions.marker;
      const post = () =>
        once('add comment', () =>
          client.issueComments.addComment({
            issueIdOrKey: issueRef(key),
            comment: body,
            ...(marker === undefined ? {} : { properties: [{ key: MARKER_PROPERTY_KEY, value: { marker } }] }),
          }),
        );
      if (marker === undefined) {
        // Not idempotent: only a 429 proves the comment was not created.
        const created = await retrying('add comment', post, (err) => err.code === 'rate_limited');
        logger.info({ issueKey: key, commentId: created.id }, 'jira comment added');
        return { id: created.id ?? '' };
      }
      return retrying('add comment', async () => {
        const existing = (await fetchComments(key, once)).find((c) => c.marker === marker);
        if (existing) {
          logger.info({ issueKey: key, commentId: existing.id }, 'jira comment with marker already present');
          return { id: existing.id };
        }
        const created = await post();
        logger.info({ issueKey: key, commentId: created.id }, 'jira comment added');
        return { id: created.id ?? '' };
      });
    },

    listComments: (key) => fetchComments(key, call),

    async transitionTo(key, statusName) {
      return retrying('transition', async () => {
        const issue = await once('get status', () =>
          client.issues.getIssue({ issueIdOrKey: issueRef(key), fields: ['status'] }),
        );
        if (sameName(obj(issue.fields?.status)?.name, statusName)) return true;
        const { transitions = [] } = await once('list transitions', () =>
          client.issues.getTransitions({ issueIdOrKey: issueRef(key) }),
        );
        const target = transitions.find((t) => t.isAvailable !== false && sameName(t.to?.name, statusName));
        if (!target?.id) {
          logger.info({ issueKey: key, status: statusName }, 'no jira transition to status');
          return false;
        }
        const transitionId = target.id;
        await once('transition', () =>
          client.issues.doTransition({ issueIdOrKey: issueRef(key), transition: { id: transitionId } }),
        );
        logger.info({ issueKey: key, status: statusName }, 'jira issue transitioned');
        return true;
      });
    },

    async addRemoteLink(key, link) {
      await call('add remote link', () =>
        client.issueRemoteLinks.createOrUpdateRemoteIssueLink({
          issueIdOrKey: issueRef(key),
          globalId: link.globalId,
          object: { url: link.url, title: link.title },
        }),
      );
    },

    async statusEnteredAt(key, statusName) {
      let latest: string | null = null;
      for (let startAt = 0; ; ) {
        const page = await call('changelog', () =>
          client.issues.getChangeLogs({ issueIdOrKey: issueRef(key), startAt, maxResults: CHANGELOG_PAGE_SIZE }),
        );
        const values = page.values ?? [];
        for (const history of values) {
          const entered = (history.items ?? []).some((item) => {
            const i = obj(item) ?? {};
            // `toString` is a data property here; read it by key, never as the method.
            return (i.fieldId === 'status' || i.field === 'status') && sameName(i.toString, statusName);
          });
          const at = entered ? normalizeTimestamp(history.created) : null;
          if (at && (latest === null || at > latest)) latest = at;
        }
        startAt += values.length;
        if (values.length === 0 || page.isLast === true || startAt >= (page.total ?? startAt)) break;
      }
      return latest;
    },

    async setIssueProperty(key, propertyKey, value) {
      await call('set issue property', () =>
        client.issueProperties.setIssueProperty({
          issueIdOrKey: issueRef(key),
          // jira.js puts the key into the path as is.
          propertyKey: encodeURIComponent(propertyKey),
          propertyValue: value,
        }),
      );
    },
  };
}
