/** The real adapters of a worker, built from its configuration. */
import type { KhitomerConfig } from '@khitomer/config';
import {
  type CodeHost,
  createGitHubCodeHost,
  createGitWorkspace,
  createJiraIssueTracker,
  createOpenAiLlmClient,
  type GitWorkspace,
  type IssueTracker,
  type LlmClient,
} from '@khitomer/integrations';
import type { Logger } from '@khitomer/observability';

/** The outside systems a worker talks to. */
export interface WorkerAdapters {
  issueTracker: IssueTracker;
  codeHost: CodeHost;
  git: GitWorkspace;
  llm: LlmClient;
}

/**
 * Jira (jira.js), GitHub (octokit), git (simple-git) and OpenAI adapters for `config`, each
 * logging through a child of `logger`. Does no I/O.
 * @throws IntegrationError `bad_input` (not retryable) for an unusable base URL.
 */
export function createAdapters(config: KhitomerConfig, logger: Logger): WorkerAdapters {
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
    git: createGitWorkspace({ token: config.github.token, logger: logger.child({ component: 'git' }) }),
    llm: createOpenAiLlmClient({
      apiKey: config.llm.apiKey,
      model: config.llm.model,
      ...(config.llm.baseUrl ? { baseUrl: config.llm.baseUrl } : {}),
      logger: logger.child({ component: 'llm' }),
    }),
  };
}
