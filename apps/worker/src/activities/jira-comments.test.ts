import type { TestResult } from '@khitomer/contracts';
import { adfToText } from '@khitomer/integrations';
import { describe, expect, it } from 'vitest';
import type { UpdateJiraInput } from '../workflows/activity-types.js';
import { eventMarker, finalMarker, renderEventComment, renderFinalComment } from './jira-comments.js';

const run = { workflowId: 'khitomer-KHI-3', runId: 'run-1' };
const green: TestResult = {
  command: 'npm test',
  exitCode: 0,
  passed: true,
  timedOut: false,
  detected: true,
  durationMs: 5,
  outputTail: '',
  failing: 0,
};

const finalInput = (patch: Partial<UpdateJiraInput> = {}): UpdateJiraInput => ({
  jiraIssueKey: 'KHI-3',
  ...run,
  repository: { owner: 'acme', name: 'calculator' },
  summary: 'Fix add',
  pullRequest: { number: 4, url: 'https://github.example/acme/calculator/pull/4', draft: false, reused: false },
  baselineTests: { ...green, passed: false, exitCode: 1, failing: 1 },
  finalTests: green,
  tamperingWarnings: [],
  tokensUsed: 1234,
  ...patch,
});

describe('final Jira comment', () => {
  it('links the PR and shows tests before and after', () => {
    const text = adfToText(renderFinalComment(finalInput()));
    expect(text).toContain('Pull request opened: https://github.example/acme/calculator/pull/4');
    expect(text).toContain('before: 1 failing / after: 0 failing');
    expect(text).toContain('Tokens used: 1234.');
    expect(text).toContain('khitomer-KHI-3');
    expect(text).not.toContain('still fail');
  });

  it('says when tests still fail and lists tampering warnings', () => {
    const text = adfToText(
      renderFinalComment(
        finalInput({
          pullRequest: { number: 4, url: 'https://x/pull/4', draft: true, reused: true },
          finalTests: { ...green, passed: false, exitCode: 1, failing: 1 },
          tamperingWarnings: ['test/a.test.js:5: added skip (.skip)'],
        }),
      ),
    );
    expect(text).toContain('Draft pull request opened');
    expect(text).toContain('The tests still fail after the change');
    expect(text).toContain('test/a.test.js:5: added skip (.skip)');
  });
});

describe('event comments', () => {
  it('states the tokens spent when the budget ran out', () => {
    const text = adfToText(
      renderEventComment(
        { kind: 'failed', failureType: 'BudgetExhausted', reason: 'The token budget ran out', tokensUsed: 21_000 },
        run,
        'In Progress',
      ),
    );
    expect(text).toContain('21000 tokens spent');
    expect(text).toContain('khitomer-KHI-3');
  });

  it('says nothing was pushed on a secret, and no PR when nothing changed', () => {
    const secret = adfToText(
      renderEventComment(
        { kind: 'failed', failureType: 'SecretDetected', reason: 'a secret', tokensUsed: 1 },
        run,
        'x',
      ),
    );
    expect(secret).toContain('nothing was pushed');
    const none = adfToText(
      renderEventComment({ kind: 'failed', failureType: 'NoChanges', reason: 'no change', tokensUsed: 1 }, run, 'x'),
    );
    expect(none).toContain('no pull request was opened');
  });

  it('tells how to approve a plan, and confirms a cancel', () => {
    const plan = adfToText(
      renderEventComment(
        { kind: 'plan_posted', plan: { summary: 'Do it', steps: [], test_strategy: 'tests', risks: ['r1'] } },
        run,
        'In Progress',
      ),
    );
    expect(plan).toContain('Move the ticket to In Progress');
    expect(plan).toContain('Do it');
    expect(adfToText(renderEventComment({ kind: 'cancelled' }, run, 'x'))).toContain('was cancelled');
    expect(adfToText(renderEventComment({ kind: 'started', branch: 'khitomer/KHI-3-x' }, run, 'x'))).toContain(
      'khitomer/KHI-3-x',
    );
  });

  it('has one marker per kind and run', () => {
    expect(eventMarker('started', run)).toBe('khitomer:started:khitomer-KHI-3:run-1');
    expect(finalMarker(run)).toBe('khitomer:final:khitomer-KHI-3:run-1');
    expect(eventMarker('failed', { ...run, runId: 'run-2' })).not.toBe(eventMarker('failed', run));
  });
});
