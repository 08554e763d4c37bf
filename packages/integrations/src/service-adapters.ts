/**
 * The three service adapters both processes use — Jira (jira.js), GitHub (octokit) and an
 * OpenAI-compatible model — built from their settings in one place, so the leader and the worker
 * wire them alike.
 */
import type { CodeHost } from './code-host.js';
import { createGitHubCodeHost } from './github/index.js';
import type { IssueTracker } from './issue-tracker.js';
import { createJiraIssueTracker } from './jira/index.js';
import { createOpenAiLlmClient } from './llm/index.js';
import type { LlmClient } from './llm-client.js';
import type { Logger } from './logger.js';

/** What {@link createServiceAdapters} needs; the configuration's `jira`, `github` and `llm` slices fit. */
export interface ServiceAdapterSettings {
  jira: { baseUrl: string; username: string; token: string };
  github: { apiUrl: string; token: string };
  llm: { apiKey: string; model: string; baseUrl?: string | undefined };
}

/** The Jira, GitHub and model adapters. */
export interface ServiceAdapters {
  issueTracker: IssueTracker;
  codeHost: CodeHost;
  llm: LlmClient;
}

/**
 * Creates the adapters, each logging through `loggerFor(<component>)` (`jira`, `github`, `llm`).
 * Does no I/O until one is used; secrets go only to the adapters, which never log them.
 * @throws IntegrationError `bad_input` (not retryable) when a configured URL is unusable.
 */
export function createServiceAdapters(
  settings: ServiceAdapterSettings,
  loggerFor: (component: string) => Logger,
): ServiceAdapters {
  return {
    issueTracker: createJiraIssueTracker({
      baseUrl: settings.jira.baseUrl,
      username: settings.jira.username,
      apiToken: settings.jira.token,
      logger: loggerFor('jira'),
    }),
    codeHost: createGitHubCodeHost({
      apiUrl: settings.github.apiUrl,
      token: settings.github.token,
      logger: loggerFor('github'),
    }),
    llm: createOpenAiLlmClient({
      apiKey: settings.llm.apiKey,
      model: settings.llm.model,
      ...(settings.llm.baseUrl ? { baseUrl: settings.llm.baseUrl } : {}),
      logger: loggerFor('llm'),
    }),
  };
}
