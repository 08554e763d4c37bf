import type { TestResult } from '@khitomer/contracts';
import { describe, expect, it } from 'vitest';
import type { OpenPullRequestInput } from '../workflows/activity-types.js';
import {
  fenced,
  MAX_LISTED_FILES,
  MAX_PR_BODY_CHARS,
  pullRequestTitle,
  renderPullRequestBody,
} from './pull-request-body.js';

const tests = (patch: Partial<TestResult>): TestResult => ({
  command: 'npm test',
  exitCode: 0,
  passed: true,
  timedOut: false,
  detected: true,
  durationMs: 800,
  outputTail: '# pass 3\n# fail 0\n',
  failing: 0,
  ...patch,
});

const input = (patch: Partial<OpenPullRequestInput> = {}): OpenPullRequestInput => ({
  jiraIssueKey: 'KHI-7',
  summary: 'Fix add',
  jiraUrl: 'https://jira.example/browse/KHI-7',
  workflowId: 'khitomer-KHI-7',
  repository: { owner: 'acme', name: 'calculator' },
  branch: 'khitomer/KHI-7-fix-add',
  baseBranch: 'main',
  draft: false,
  plan: {
    summary: 'Make add() return the sum',
    steps: [{ title: 'Fix add', details: 'Use + instead of -', files: ['src/calculator.js'] }],
    test_strategy: 'npm test',
    risks: [],
  },
  agentSummary: 'add() returns a + b now.',
  changedFiles: [{ path: 'src/calculator.js', status: 'modified' }],
  baselineTests: tests({ passed: false, exitCode: 1, failing: 1, outputTail: '# pass 2\n# fail 1\n' }),
  finalTests: tests({}),
  tamperingWarnings: [],
  planTokensUsed: 100,
  agentTokensUsed: 900,
  ...patch,
});

describe('pull request body', () => {
  it('has the Jira link, plan, changed files, both test runs and the tokens', () => {
    const body = renderPullRequestBody(input());
    expect(body).toContain('Implements [KHI-7](https://jira.example/browse/KHI-7): Fix add');
    expect(body).toContain('## Plan');
    expect(body).toContain('1. **Fix add** (`src/calculator.js`) — Use + instead of -');
    expect(body).toContain('- `src/calculator.js` (modified)');
    expect(body).toContain('before: 1 failing / after: 0 failing');
    expect(body).toContain('| before (baseline) | `npm test` | 1 | FAILED (exit code 1), 1 failing |');
    expect(body).toContain('| after | `npm test` | 0 | passed (exit code 0), 0 failing |');
    expect(body).toContain('# fail 1');
    expect(body).toContain('Tokens used: 1000 (plan 100, agent 900)');
    expect(body).not.toContain('[!WARNING]');
  });

  it('warns when tests still fail and names tampered lines', () => {
    const body = renderPullRequestBody(
      input({
        finalTests: tests({ passed: false, exitCode: 1, failing: 1 }),
        tamperingWarnings: ["test/a.test.js:5: added skip (.skip): test.skip('x'"],
      }),
    );
    expect(body).toContain('The tests still fail after the change (before: 1 failing / after: 1 failing)');
    expect(body).toContain("> - `test/a.test.js:5: added skip (.skip): test.skip('x'`");
  });

  it('cannot be broken by backticks in test output and stays under GitHub’s limit', () => {
    const body = renderPullRequestBody(
      input({
        finalTests: tests({ outputTail: 'oops ``` not a fence\n'.repeat(10) }),
        agentSummary: 'x'.repeat(90_000),
      }),
    );
    expect(body.length).toBeLessThanOrEqual(MAX_PR_BODY_CHARS);
    expect(fenced('a ``` b')).toBe('````\na ``` b\n````');
  });

  it('puts the title on one line', () => {
    expect(pullRequestTitle('KHI-7', 'Fix\nadd  now')).toBe('KHI-7: Fix add now');
  });

  it('lists at most MAX_LISTED_FILES changed files, so a huge change keeps its tests and tokens sections', () => {
    const changedFiles = Array.from({ length: 500 }, (_, i) => ({
      path: `src/${'nested-directory/'.repeat(8)}module-${i}.js`,
      status: 'added' as const,
    }));
    const body = renderPullRequestBody(input({ changedFiles }));
    expect(body.length).toBeLessThanOrEqual(MAX_PR_BODY_CHARS);
    expect(body).toContain('500 files changed:');
    expect(body).toContain(changedFiles[MAX_LISTED_FILES - 1]!.path);
    expect(body).not.toContain(changedFiles[MAX_LISTED_FILES]!.path);
    expect(body).toContain(`- … and ${500 - MAX_LISTED_FILES} more (see the diff)`);
    expect(body).toContain('## Tests');
    expect(body).toContain('Tokens used: 1000');
  });
});
