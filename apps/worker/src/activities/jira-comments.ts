/**
 * The Jira comments of a run, in ADF (Jira Cloud v3): start, plan awaiting approval, failure,
 * cancel, and the single final comment with the PR. Pure.
 */
import { FailureTypes, type ImplementationPlan } from '@khitomer/contracts';
import {
  type AdfDocument,
  type AdfNode,
  adfDoc,
  bulletList,
  codeBlock,
  heading,
  link,
  paragraph,
  text,
} from '@khitomer/integrations';
import type { JiraEvent, UpdateJiraInput } from '../workflows/activity-types.js';
import { beforeAfterLabel, testsStillFail, testVerdict } from './test-summary.js';

/** Identifies the run in every comment. */
export interface RunRef {
  workflowId: string;
  runId: string;
}

const code = (value: string): AdfNode => text(value, [{ type: 'code' }]);
const strong = (value: string): AdfNode => text(value, [{ type: 'strong' }]);

function runLine(run: RunRef): AdfNode {
  return paragraph('Khitomer run ', code(run.workflowId), ' (run id ', code(run.runId), ').');
}

function planNodes(plan: ImplementationPlan): AdfNode[] {
  const nodes: AdfNode[] = [paragraph(strong('Summary: '), plan.summary || '(none)')];
  if (plan.steps.length > 0) {
    nodes.push(
      bulletList(
        plan.steps.map((s) => [
          strong(s.title || 'Step'),
          s.details ? ` — ${s.details}` : '',
          s.files.length > 0 ? ` (${s.files.join(', ')})` : '',
        ]),
      ),
    );
  }
  nodes.push(paragraph(strong('Test strategy: '), plan.test_strategy || '(none)'));
  if (plan.risks.length > 0) nodes.push(paragraph(strong('Risks:')), bulletList(plan.risks));
  return nodes;
}

/** What a failure of `failureType` means for the ticket, in one sentence. */
function failureConsequence(failureType: string, tokensUsed: number): string {
  switch (failureType) {
    case FailureTypes.BudgetExhausted:
      return `The token budget ran out after ${tokensUsed} tokens spent; nothing was pushed and no pull request was opened.`;
    case FailureTypes.SecretDetected:
      return 'The change contained something that looks like a secret, so nothing was pushed and no pull request was opened. Please check the ticket for credentials that should not be in code.';
    case FailureTypes.NoChanges:
      return 'The agent made no changes to the repository, so no pull request was opened. The ticket may need more detail.';
    case FailureTypes.PlanRejected:
      return 'Nothing was changed in the repository.';
    case FailureTypes.ApprovalTimedOut:
      return 'Nothing was changed in the repository; start the run again when the plan can be reviewed.';
    default:
      return 'No pull request was opened. The run can be started again once the cause is fixed.';
  }
}

/**
 * The comment of a `notifyJira` event. `inProgressStatus` names the status whose move approves a
 * plan. Pure.
 */
export function renderEventComment(event: JiraEvent, run: RunRef, inProgressStatus: string): AdfDocument {
  switch (event.kind) {
    case 'started':
      return adfDoc(
        paragraph(strong('Khitomer started working on this ticket.')),
        paragraph('Changes will be pushed to branch ', code(event.branch), ' and proposed as a pull request.'),
        runLine(run),
      );
    case 'plan_posted':
      return adfDoc(
        heading(3, 'Implementation plan: waiting for approval'),
        ...planNodes(event.plan),
        paragraph(
          'Move the ticket to ',
          strong(inProgressStatus),
          ' (or approve through the Khitomer API) to start the work; reject it through the API with a reason to stop.',
        ),
        runLine(run),
      );
    case 'failed':
      return adfDoc(
        paragraph(strong('Khitomer could not finish this ticket.')),
        paragraph(strong('Reason: '), event.reason || event.failureType),
        paragraph(failureConsequence(event.failureType, event.tokensUsed)),
        paragraph('Failure type ', code(event.failureType), ` · tokens spent: ${event.tokensUsed}.`),
        runLine(run),
      );
    case 'cancelled':
      return adfDoc(
        paragraph(strong('The Khitomer run for this ticket was cancelled.')),
        paragraph('Its workspace was removed and no pull request will be opened by this run.'),
        runLine(run),
      );
  }
}

/** The single final comment: PR link, draft notice, tests before/after, warnings, tokens. Pure. */
export function renderFinalComment(input: UpdateJiraInput): AdfDocument {
  const pr = input.pullRequest;
  const failing = testsStillFail(input.finalTests);
  const nodes: AdfNode[] = [
    paragraph(
      strong(pr.draft ? 'Draft pull request opened: ' : 'Pull request opened: '),
      link(pr.url),
      ` (${input.repository.owner}/${input.repository.name}#${pr.number})`,
    ),
  ];
  if (failing) {
    nodes.push(paragraph(strong('The tests still fail after the change'), ', so the pull request is a draft.'));
  }
  nodes.push(
    paragraph(strong('Tests: '), beforeAfterLabel(input.baselineTests, input.finalTests)),
    bulletList([
      [
        'before: ',
        input.baselineTests ? code(input.baselineTests.command) : '—',
        ` ${testVerdict(input.baselineTests)}`,
      ],
      ['after: ', input.finalTests ? code(input.finalTests.command) : '—', ` ${testVerdict(input.finalTests)}`],
    ]),
  );
  if (input.tamperingWarnings.length > 0) {
    nodes.push(
      paragraph(strong('Warning: the change deletes or skips tests'), ', so the pull request is a draft:'),
      codeBlock(input.tamperingWarnings.join('\n')),
    );
  }
  nodes.push(paragraph(`Tokens used: ${input.tokensUsed}.`), runLine(input));
  return adfDoc(...nodes);
}

/** Idempotency marker of an event comment (one per kind and run). Pure. */
export function eventMarker(kind: JiraEvent['kind'], run: RunRef): string {
  return `khitomer:${kind}:${run.workflowId}:${run.runId}`;
}

/** Idempotency marker of the final comment (one per run). Pure. */
export function finalMarker(run: RunRef): string {
  return `khitomer:final:${run.workflowId}:${run.runId}`;
}
