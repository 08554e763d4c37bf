/**
 * The pull request's title and Markdown body (PRODUCT.md §5.1): Jira link, plan, what changed,
 * test results before and after (command, exit code, last lines), warnings, tokens used. Pure.
 */
import type { ImplementationPlan, TestResult } from '@khitomer/contracts';
import type { OpenPullRequestInput } from '../workflows/activity-types.js';
import { beforeAfterLabel, sandboxLabel, testCountLabel, testsStillFail, testVerdict } from './test-summary.js';

/** GitHub rejects bodies over 65 536 characters; stay well below. */
export const MAX_PR_BODY_CHARS = 60_000;
/** Lines of test output shown per run. */
const TAIL_LINES = 40;
/**
 * Changed files listed by name; the rest are counted. Keeps the sections after the list (tests,
 * tokens) inside {@link MAX_PR_BODY_CHARS} however many files changed.
 */
export const MAX_LISTED_FILES = 100;

/** `<KEY>: <summary>` on one line. Pure. */
export function pullRequestTitle(jiraIssueKey: string, summary: string): string {
  return `${jiraIssueKey}: ${summary.replace(/\s+/g, ' ').trim()}`;
}

/** A fenced code block whose fence is longer than any backtick run inside `content`. Pure. */
export function fenced(content: string, language = ''): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${content.replace(/\n+$/, '')}\n${fence}`;
}

/** Escapes Markdown table/inline code breakers in a one-line value. Pure. */
function inline(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

function lastLines(text: string, lines: number): string {
  const all = text.replace(/\n+$/, '').split('\n');
  return all.slice(-lines).join('\n');
}

function planSection(plan: ImplementationPlan): string {
  const steps = plan.steps.map((step, i) => {
    const files = step.files.length > 0 ? ` (${step.files.map((f) => `\`${inline(f)}\``).join(', ')})` : '';
    return `${i + 1}. **${inline(step.title)}**${files} — ${inline(step.details)}`;
  });
  const risks = plan.risks.length > 0 ? plan.risks.map((r) => `- ${inline(r)}`).join('\n') : '- none listed';
  return [
    '## Plan',
    '',
    inline(plan.summary),
    '',
    ...(steps.length > 0 ? [...steps, ''] : []),
    `**Test strategy:** ${inline(plan.test_strategy)}`,
    '',
    '**Risks:**',
    risks,
  ].join('\n');
}

function changedFilesSection(changed: OpenPullRequestInput['changedFiles']): string {
  if (changed.length === 0) return '- (no files)';
  const listed = changed.slice(0, MAX_LISTED_FILES).map((f) => `- \`${inline(f.path)}\` (${f.status})`);
  const rest = changed.length - listed.length;
  if (rest > 0) listed.push(`- … and ${rest} more (see the diff)`);
  return [`${changed.length} ${changed.length === 1 ? 'file' : 'files'} changed:`, '', ...listed].join('\n');
}

function testRow(label: string, result: TestResult | null): string {
  if (result === null) return `| ${label} | — | — | not run |`;
  const exit = result.exitCode === null ? '—' : String(result.exitCode);
  return `| ${label} | \`${inline(result.command)}\` | ${exit} | ${testVerdict(result)}, ${testCountLabel(result)} |`;
}

function sandboxLines(baseline: TestResult | null, final: TestResult | null): string[] {
  const label = sandboxLabel(baseline, final);
  return label === undefined ? [] : [`**Test sandbox:** ${label}`, ''];
}

function tailBlock(label: string, result: TestResult | null): string {
  if (result === null || result.outputTail.trim() === '') return '';
  return [
    '<details>',
    `<summary>${label}: last lines of output</summary>`,
    '',
    fenced(lastLines(result.outputTail, TAIL_LINES), 'text'),
    '',
    '</details>',
  ].join('\n');
}

/**
 * Renders the PR body. Secret-free as long as its inputs are (the caller also redacts configured
 * secret values); capped at {@link MAX_PR_BODY_CHARS}. Pure.
 */
export function renderPullRequestBody(input: OpenPullRequestInput): string {
  const failing = testsStillFail(input.finalTests);
  const notices: string[] = [];
  if (failing) {
    notices.push(
      `> [!WARNING]\n> The tests still fail after the change (${beforeAfterLabel(input.baselineTests, input.finalTests)}). This PR is a draft.`,
    );
  }
  if (input.tamperingWarnings.length > 0) {
    notices.push(
      [
        '> [!WARNING]',
        '> The change deletes or skips tests. This PR is a draft; check these lines:',
        ...input.tamperingWarnings.map((w) => `> - \`${inline(w)}\``),
      ].join('\n'),
    );
  }
  const files = changedFilesSection(input.changedFiles);
  const tokens = input.planTokensUsed + input.agentTokensUsed;
  const body = [
    `Implements [${input.jiraIssueKey}](${input.jiraUrl}): ${inline(input.summary)}`,
    '',
    ...(notices.length > 0 ? [notices.join('\n\n'), ''] : []),
    planSection(input.plan),
    '',
    '## What changed',
    '',
    input.agentSummary.trim() === '' ? '_The agent gave no summary._' : input.agentSummary.trim(),
    '',
    files,
    '',
    '## Tests',
    '',
    `${beforeAfterLabel(input.baselineTests, input.finalTests)}`,
    '',
    '| run | command | exit code | result |',
    '| --- | --- | --- | --- |',
    testRow('before (baseline)', input.baselineTests),
    testRow('after', input.finalTests),
    '',
    ...sandboxLines(input.baselineTests, input.finalTests),
    tailBlock('After', input.finalTests),
    '',
    tailBlock('Before', input.baselineTests),
    '',
    '---',
    `Tokens used: ${tokens} (plan ${input.planTokensUsed}, agent ${input.agentTokensUsed}) · Khitomer run \`${input.workflowId}\``,
  ]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
  if (body.length <= MAX_PR_BODY_CHARS) return body;
  return `${body.slice(0, MAX_PR_BODY_CHARS - 40)}\n\n_(description truncated)_`;
}
