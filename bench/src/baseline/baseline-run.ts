/**
 * The baseline of the overhead scenario: the raw work of one ticket done in one process with no
 * Temporal — the same outside calls through the same adapters (Jira, GitHub REST, git over HTTP,
 * the LLM's plan and scripted agent calls), the same test command run as often as the product
 * runs it (before, inside the agent, after), but none of the product's orchestration: no
 * workflow, activities, task queues, heartbeats, retries, status queries, secret scan or markers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { branchNameFor, type RepositoryRef } from '@khitomer/contracts';
import {
  adfDoc,
  type CodeHost,
  type GitWorkspace,
  type IssueTracker,
  type LlmClient,
  type LlmMessage,
  paragraph,
} from '@khitomer/integrations';
import type { Planner } from '@khitomer/leader';
import { BASELINE_TOOLS, executeBaselineTool } from './scripted-tools.js';
import { runNpmTest } from './test-command.js';

/** What the baseline needs: the product's adapters and planner, and where to clone. */
export interface BaselineDeps {
  issueTracker: IssueTracker;
  codeHost: CodeHost;
  git: GitWorkspace;
  llm: LlmClient;
  planner: Planner;
  /** Folder for this run's clone (removed afterwards). */
  workspaceRoot: string;
  jiraBaseUrl: string;
  inProgressStatus: string;
  reviewStatus: string;
  author: { name: string; email: string };
}

/** What one baseline ticket produced. */
export interface BaselineOutcome {
  pullRequestUrl: string;
  agentSteps: number;
  tokensUsed: number;
  finalTestsPassed: boolean;
}

const MAX_STEPS = 40;

/**
 * Does ticket `key` on `repository` from plan to Jira comment, strictly in sequence.
 * @throws IntegrationError from the adapters, PlanningError from the planner, or Error when the
 *   scripted agent does not finish within 40 steps. Nothing is retried.
 */
export async function runBaselineTicket(
  deps: BaselineDeps,
  key: string,
  repository: RepositoryRef,
): Promise<BaselineOutcome> {
  const issue = await deps.issueTracker.getIssue(key);
  const repo = await deps.codeHost.getRepository(repository);
  const { plan, tokensUsed: planTokens } = await deps.planner.plan({
    key,
    summary: issue.summary,
    description: issue.description,
    repository,
  });
  const branch = branchNameFor(key, issue.summary);
  await deps.issueTracker.addComment(key, adfDoc(paragraph(`Work started on branch ${branch}.`)));
  await deps.issueTracker.transitionTo(key, deps.inProgressStatus);

  const dir = await mkdtemp(path.join(deps.workspaceRoot, 'baseline-'));
  try {
    await rm(dir, { recursive: true, force: true });
    await deps.git.clone({ url: repo.cloneUrl, dir, branch: repo.defaultBranch });
    await deps.git.createBranch(dir, branch);
    const before = await runNpmTest(dir);

    const messages: LlmMessage[] = [
      { role: 'system', content: 'You are a coding agent. Use the tools, run the tests, then call finish.' },
      {
        role: 'user',
        content: `Ticket ${key}: ${issue.summary}\n${issue.description}\n\nPlan:\n${JSON.stringify(plan)}`,
      },
    ];
    let agentTokens = 0;
    let steps = 0;
    let summary: string | undefined;
    while (summary === undefined) {
      if (steps >= MAX_STEPS) throw new Error(`the scripted agent of ${key} did not finish in ${MAX_STEPS} steps`);
      const answer = await deps.llm.chat({ messages, tools: BASELINE_TOOLS });
      agentTokens += answer.usage.totalTokens;
      messages.push({ role: 'assistant', content: answer.content, toolCalls: answer.toolCalls });
      if (answer.toolCalls.length === 0) throw new Error(`the scripted agent of ${key} answered without a tool call`);
      for (const call of answer.toolCalls) {
        steps += 1;
        const outcome = await executeBaselineTool(dir, call.name, call.arguments);
        messages.push({ role: 'tool', toolCallId: call.id, content: outcome.content });
        summary ??= outcome.finished;
      }
    }

    const after = await runNpmTest(dir);
    await deps.git.changedFiles(dir);
    await deps.git.diff(dir);
    await deps.git.commitAll(dir, `${key}: ${issue.summary}\n\n${plan.summary}`, deps.author);
    await deps.git.push(dir, branch);
    const pr = await deps.codeHost.createPullRequest(repository, {
      title: `${key}: ${issue.summary}`,
      body: `${deps.jiraBaseUrl}/browse/${key}\n\n${plan.summary}\n\n${summary}\n\nTests before: ${before.exitCode}, after: ${after.exitCode}`,
      head: branch,
      base: repo.defaultBranch,
      draft: !after.passed,
    });
    await deps.issueTracker.addComment(key, adfDoc(paragraph(`Pull request opened: ${pr.url}`)));
    await deps.issueTracker.addRemoteLink(key, {
      url: pr.url,
      title: `${repository.owner}/${repository.name}#${pr.number}`,
      globalId: `baseline:pr:${repository.owner}/${repository.name}#${pr.number}`,
    });
    await deps.issueTracker.transitionTo(key, deps.reviewStatus);
    return {
      pullRequestUrl: pr.url,
      agentSteps: steps,
      tokensUsed: planTokens + agentTokens,
      finalTestsPassed: after.passed,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
