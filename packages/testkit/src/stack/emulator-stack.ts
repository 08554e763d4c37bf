import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type FixtureName, fixturePath } from '../fixtures/index.js';
import { type GitHubEmulator, startGitHubEmulator } from '../github-emulator/index.js';
import { type JiraEmulator, type JiraEmulatorOptions, startJiraEmulator } from '../jira-emulator/index.js';
import { type LlmEmulator, startLlmEmulator } from '../llm-emulator/index.js';

/** Options of {@link startEmulatorStack}. */
export interface EmulatorStackOptions {
  jira?: JiraEmulatorOptions;
  /** Fixture repositories to create on the GitHub emulator, as `owner/name` → fixture. */
  repositories?: Record<string, FixtureName>;
  /** Unique secret values (tests of secret hygiene pass their own). */
  secrets?: { jiraToken?: string; githubToken?: string; openAiKey?: string };
  /** Fault-injection seed for all three emulators. */
  seed?: number;
}

/** Jira, GitHub (REST + git) and OpenAI emulators on loopback, plus the env that points at them. */
export interface EmulatorStack {
  jira: JiraEmulator;
  github: GitHubEmulator;
  llm: LlmEmulator;
  /** A private workspace directory for workers, removed on close. */
  workspaceDir: string;
  /**
   * Environment variables (PRODUCT.md §3) for a leader or worker talking to these emulators.
   * Temporal settings are not included: add TEMPORAL_ADDRESS / TASK_QUEUE yourself.
   */
  env: Record<string, string>;
  /** Every secret value in `env`, for leak assertions. */
  secretValues: string[];
  /** Closes all three emulators and removes the workspace. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the three emulators with the given fixture repositories (default `acme/calculator` from
 * `calculator-js`) and returns the environment pointing at them.
 * @throws when an emulator cannot start or a fixture is missing.
 */
export async function startEmulatorStack(options: EmulatorStackOptions = {}): Promise<EmulatorStack> {
  const seed = options.seed ?? 42;
  const jiraToken = options.secrets?.jiraToken ?? 'jira-test-token';
  const githubToken = options.secrets?.githubToken ?? 'ghp_stackTestToken0000000000000000000000';
  const openAiKey = options.secrets?.openAiKey ?? 'sk-test-khitomer-emulator';
  const jira = await startJiraEmulator({ seed, ...options.jira, apiToken: jiraToken });
  const github = await startGitHubEmulator({ token: githubToken, seed });
  const llm = await startLlmEmulator({ apiKey: openAiKey, seed });
  const repositories = options.repositories ?? { 'acme/calculator': 'calculator-js' };
  for (const [fullName, fixture] of Object.entries(repositories)) {
    const [owner, name] = fullName.split('/') as [string, string];
    await github.createRepoFromFixture(owner, name, fixturePath(fixture));
  }
  const workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khitomer-ws-'));
  const env: Record<string, string> = {
    JIRA_BASE_URL: jira.url,
    JIRA_USERNAME: jira.credentials.username,
    JIRA_TOKEN: jiraToken,
    JIRA_PROJECT_KEY: 'KHI',
    GITHUB_TOKEN: githubToken,
    GITHUB_API_URL: github.url,
    OPENAI_API_KEY: openAiKey,
    OPENAI_BASE_URL: llm.baseURL,
    OPENAI_MODEL: 'gpt-4.1',
    WORKSPACE_DIR: workspaceDir,
    JIRA_POLL_INTERVAL: '500ms',
    TEST_TIMEOUT: '2m',
    LOG_LEVEL: 'warn',
    // Every server a test starts listens on loopback only.
    LISTEN_HOST: '127.0.0.1',
  };
  let closed: Promise<void> | undefined;
  return {
    jira,
    github,
    llm,
    workspaceDir,
    env,
    secretValues: [jiraToken, githubToken, openAiKey],
    close() {
      closed ??= Promise.allSettled([jira.close(), github.close(), llm.close()]).then(() => {
        fs.rmSync(workspaceDir, { recursive: true, force: true });
      });
      return closed;
    },
  };
}
