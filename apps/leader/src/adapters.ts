/**
 * The real outside-system adapters of the leader (Jira, GitHub, OpenAI-compatible model), built
 * from configuration. Tests pass their own instead.
 */
import type { KhitomerConfig } from '@khitomer/config';
import {
  type CodeHost,
  createGitHubCodeHost,
  createJiraIssueTracker,
  createOpenAiLlmClient,
  type IssueTracker,
  type LlmClient,
} from '@khitomer/integrations';
import type { Logger } from '@khitomer/observability';

/** The leader's adapters. */
export interface LeaderAdapters {
  issueTracker: IssueTracker;
  codeHost: CodeHost;
  llm: LlmClient;
}

/**
 * Creates the adapters; none does I/O until used. Secrets go only to the adapters, which never
 * log them.
 * @throws {IntegrationError} `bad_input` (not retryable) when a configured URL is unusable.
 */
export function createLeaderAdapters(config: KhitomerConfig, logger: Logger): LeaderAdapters {
  return {
    issueTracker: createJiraIssueTracker({
      baseUrl: config.jira.baseUrl,
      username: config.jira.username,
      apiToken: config.jira.token,
      logger: logger.child({ component: 'jira' }),
    }),
    codeHost: createGitHubCodeHost({
      apiUrl: config.github.apiUrl,
      token: config.github.token,
      logger: logger.child({ component: 'github' }),
    }),
    llm: createOpenAiLlmClient({
      apiKey: config.llm.apiKey,
      model: config.llm.model,
      ...(config.llm.baseUrl === undefined ? {} : { baseUrl: config.llm.baseUrl }),
      logger: logger.child({ component: 'llm' }),
    }),
  };
}
