import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatRepositoryProblemComment,
  formatRepositoryReference,
  parseRepositoryReference,
} from './repository-reference.js';

const adf = (...paragraphs: unknown[][]) => ({
  version: 1,
  type: 'doc',
  content: paragraphs.map((content) => ({ type: 'paragraph', content })),
});
const text = (value: string) => ({ type: 'text', text: value });

describe('parseRepositoryReference: accepted values', () => {
  const cases: [string, unknown, { owner: string; name: string; baseBranch?: string; host?: string }][] = [
    ['owner/repo', 'acme/payments', { owner: 'acme', name: 'payments' }],
    ['surrounding whitespace', '  acme/payments \n', { owner: 'acme', name: 'payments' }],
    ['dots, dashes, underscores', 'my-org/pay_ments.v2', { owner: 'my-org', name: 'pay_ments.v2' }],
    ['.github repository', 'acme/.github', { owner: 'acme', name: '.github' }],
    ['owner/repo.git', 'acme/payments.git', { owner: 'acme', name: 'payments' }],
    ['trailing slash', 'acme/payments/', { owner: 'acme', name: 'payments' }],
    ['#branch', 'acme/payments#develop', { owner: 'acme', name: 'payments', baseBranch: 'develop' }],
    [
      'branch with slashes',
      'acme/payments#release/2.x',
      { owner: 'acme', name: 'payments', baseBranch: 'release/2.x' },
    ],
    ['https URL', 'https://github.com/acme/payments', { owner: 'acme', name: 'payments', host: 'github.com' }],
    [
      'https URL, .git, trailing slash',
      'https://github.com/acme/payments.git/',
      { owner: 'acme', name: 'payments', host: 'github.com' },
    ],
    [
      'https URL with #branch',
      'https://github.com/acme/payments#develop',
      { owner: 'acme', name: 'payments', baseBranch: 'develop', host: 'github.com' },
    ],
    [
      'URL with trailing slash and #branch',
      'https://github.com/acme/payments/#feature/x',
      { owner: 'acme', name: 'payments', baseBranch: 'feature/x', host: 'github.com' },
    ],
    [
      'GitHub Enterprise over http with port',
      'http://GHE.example.com:8443/Acme/Payments.git',
      { owner: 'Acme', name: 'Payments', host: 'ghe.example.com:8443' },
    ],
    [
      'local test server',
      'http://127.0.0.1:40123/acme/payments',
      { owner: 'acme', name: 'payments', host: '127.0.0.1:40123' },
    ],
    [
      'query string ignored',
      'https://github.com/acme/payments?tab=readme',
      { owner: 'acme', name: 'payments', host: 'github.com' },
    ],
    ['host without scheme', 'github.com/acme/payments', { owner: 'acme', name: 'payments', host: 'github.com' }],
    ['SSH scp form', 'git@github.com:acme/payments.git', { owner: 'acme', name: 'payments', host: 'github.com' }],
    [
      'SSH URL form with branch',
      'ssh://git@ghe.example.com:2222/acme/payments.git#main',
      { owner: 'acme', name: 'payments', baseBranch: 'main', host: 'ghe.example.com:2222' },
    ],
    ['zero-width characters dropped', '\u200Bacme/\u200Dpayments\uFEFF', { owner: 'acme', name: 'payments' }],
    ['ADF document', adf([text('acme/payments#develop')]), { owner: 'acme', name: 'payments', baseBranch: 'develop' }],
    [
      'ADF link text split over nodes',
      adf([
        text('https://github.com/'),
        { type: 'text', text: 'acme/payments', marks: [{ type: 'link', attrs: { href: 'x' } }] },
      ]),
      { owner: 'acme', name: 'payments', host: 'github.com' },
    ],
    [
      'ADF smart link (inlineCard)',
      adf([{ type: 'inlineCard', attrs: { url: 'https://github.com/acme/payments' } }]),
      { owner: 'acme', name: 'payments', host: 'github.com' },
    ],
    ['ADF with empty paragraphs', adf([], [text(' acme/payments ')], []), { owner: 'acme', name: 'payments' }],
    [
      'select option',
      { value: 'acme/payments', id: '10001', self: 'https://jira/x' },
      { owner: 'acme', name: 'payments' },
    ],
    [
      'one-element multi-select',
      [{ value: 'acme/payments#main' }],
      { owner: 'acme', name: 'payments', baseBranch: 'main' },
    ],
    ['39-character owner', `${'a'.repeat(39)}/r`, { owner: 'a'.repeat(39), name: 'r' }],
    ['100-character repository', `o/${'r'.repeat(100)}`, { owner: 'o', name: 'r'.repeat(100) }],
  ];

  it.each(cases)('%s', (_label, value, expected) => {
    const { owner, name, ...rest } = expected;
    expect(parseRepositoryReference(value)).toEqual({ ok: true, repository: { owner, name }, ...rest });
  });
});

describe('parseRepositoryReference: rejected values say what is wrong and show a good value', () => {
  const GOOD_EXAMPLE = /e\.g\. "(acme\/payments|https:\/\/github\.com\/acme\/payments)/;
  const cases: [string, unknown, string][] = [
    ['undefined', undefined, 'The field is empty.'],
    ['null', null, 'The field is empty.'],
    ['empty string', '   ', 'The field is empty.'],
    ['empty ADF document', adf([]), 'The field is empty.'],
    ['empty array', [], 'The field is empty.'],
    ['spaces', 'not a repo', '"not a repo" contains spaces; a repository reference has none.'],
    [
      'owner only',
      'payments',
      '"payments" has no owner; write the account or organisation, a "/", then the repository.',
    ],
    ['missing repository', 'owner/', 'The repository name after "owner/" is missing.'],
    ['missing owner', '/payments', 'The owner before "/" is missing.'],
    ['three parts', 'a/b/c', '"a/b/c" has 3 parts separated by "/"; expected exactly two, owner/repo.'],
    ['two lines', adf([text('acme/payments')], [text('acme/other')]), 'The field holds more than one line'],
    [
      'two select values',
      [{ value: 'acme/a' }, { value: 'acme/b' }],
      'The field holds 2 values; it must hold exactly one repository.',
    ],
    ['number', 42, 'The field holds a number, not text.'],
    ['unknown object', { foo: 1 }, 'The field holds a kind of value Khitomer cannot read'],
    [
      'owner with double hyphen',
      'ac--me/payments',
      'The owner "ac--me" is not a valid GitHub account or organisation name',
    ],
    ['owner with leading hyphen', '-acme/payments', 'must not start or end with a hyphen'],
    ['owner too long', `${'a'.repeat(40)}/payments`, 'at most 39 characters'],
    ['owner with dot', 'ac.me/payments', 'The owner "ac.me" is not a valid'],
    ['repository "."', 'acme/.', 'The repository name "." is not valid on GitHub'],
    ['repository ".."', 'acme/..', 'cannot be "." or ".."'],
    ['repository with bad character', 'acme/pay$ments', 'The repository name "pay$ments" is not valid on GitHub'],
    ['repository too long', `acme/${'r'.repeat(101)}`, 'at most 100 characters'],
    ['only .git', 'acme/.git', 'The repository name is missing before ".git".'],
    ['ftp scheme', 'ftp://github.com/acme/payments', 'Addresses starting with "ftp://" are not supported'],
    [
      'credentials in URL',
      'https://x-access-token:ghp_secret@github.com/acme/payments',
      'contains a user name or token before "@"',
    ],
    ['URL without path', 'https://github.com/', 'The URL names the host "github.com" but no /owner/repo path.'],
    [
      'URL with owner only',
      'https://github.com/acme',
      'The address names only "acme"; it needs both owner and repository.',
    ],
    ['URL with extra path', 'https://github.com/acme/payments/extra', '"/acme/payments/extra" has 3 parts'],
    ['bad host', 'https://exa_mple.com/acme/payments', '"exa_mple.com" is not a valid host name.'],
  ];

  it.each(cases)('%s', (_label, value, expected) => {
    const result = parseRepositoryReference(value);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem).toContain(expected);
    expect(result.problem).toMatch(GOOD_EXAMPLE);
  });

  it('never echoes credentials', () => {
    const result = parseRepositoryReference('https://x-access-token:ghp_secret@github.com/acme/payments');
    expect(JSON.stringify(result)).not.toContain('ghp_secret');
  });

  it('suggests the #branch form for a pasted branch page', () => {
    const result = parseRepositoryReference('https://github.com/acme/payments/tree/release/2.x');
    expect(result).toEqual({
      ok: false,
      problem:
        'The URL points to a branch page ("…/tree/…"), not to the repository. To use that branch as the base branch, write "https://github.com/acme/payments#release/2.x".',
    });
  });

  it('points a pasted issues page at the repository URL', () => {
    const result = parseRepositoryReference('https://github.com/acme/payments/issues/12');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain('Use "https://github.com/acme/payments"');
  });
});

describe('parseRepositoryReference: base branch follows git ref rules', () => {
  const cases: [string, string][] = [
    [
      '',
      'Nothing follows "#". Either remove the "#" to use the default branch, or write the base branch after it, e.g. "acme/payments#develop".',
    ],
    ['feat..x', 'must not contain ".."'],
    ['feat~1', 'must not contain "~"'],
    ['a^b', 'must not contain "^"'],
    ['a:b', 'must not contain ":"'],
    ['a?b', 'must not contain "?"'],
    ['a*b', 'must not contain "*"'],
    ['a[b', 'must not contain "["'],
    ['a\\b', 'must not contain "\\"'],
    ['a@{1}', 'must not contain "@{"'],
    ['@', 'must not be "@" alone'],
    ['HEAD', 'must not be "HEAD"'],
    ['-x', 'must not start with "-"'],
    ['/x', 'must not start or end with "/"'],
    ['x/', 'must not start or end with "/"'],
    ['a//b', 'contain "//"'],
    ['x.', 'must not end with "."'],
    ['.hidden', 'starts with "."'],
    ['a/.b', 'starts with "."'],
    ['x.lock', 'ends with ".lock"'],
    ['a.lock/b', 'ends with ".lock"'],
    ['b'.repeat(256), 'is longer than 255 characters'],
  ];

  it.each(cases)('%j', (branch, expected) => {
    const result = parseRepositoryReference(`acme/payments#${branch}`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem).toContain(expected);
    expect(result.problem).toContain('e.g. "acme/payments#develop"');
  });

  it('keeps "#" inside the branch (only the first "#" separates)', () => {
    expect(parseRepositoryReference('acme/payments#fix#12')).toMatchObject({ ok: true, baseBranch: 'fix#12' });
  });

  it('drops invisible and control characters instead of reporting them', () => {
    expect(parseRepositoryReference('acme/payments#a\u0007b\u200B')).toMatchObject({ ok: true, baseBranch: 'ab' });
  });

  it('accepts non-ASCII branch names, as git does', () => {
    expect(parseRepositoryReference('acme/payments#fonctionnalité/été')).toMatchObject({
      ok: true,
      baseBranch: 'fonctionnalité/été',
    });
  });
});

// Generators of valid names, following GitHub's and git's rules.
const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
const ownerArb = fc
  .array(fc.tuple(fc.boolean(), fc.string({ unit: alnum, minLength: 1, maxLength: 5 })), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.map(([hyphen, chunk], index) => (index > 0 && hyphen ? `-${chunk}` : chunk)).join(''))
  .filter((owner) => owner.length <= 39);
const repoArb = fc
  .stringMatching(/^[A-Za-z0-9._-]{1,100}$/)
  .filter((name) => name !== '.' && name !== '..' && !name.endsWith('.git'));
const branchPartArb = fc
  .stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._#@-]{0,20}$/)
  .filter((part) => !part.includes('..') && !part.endsWith('.') && !part.endsWith('.lock') && !part.includes('@{'));
const branchArb = fc
  .array(branchPartArb, { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join('/'))
  .filter((branch) => branch !== 'HEAD' && branch !== '@' && branch.length <= 255);

describe('parseRepositoryReference: properties', () => {
  it('parse(format(owner, repo, branch)) round-trips', () => {
    fc.assert(
      fc.property(ownerArb, repoArb, fc.option(branchArb, { nil: undefined }), (owner, name, branch) => {
        const parsed = parseRepositoryReference(formatRepositoryReference({ owner, name }, branch));
        expect(parsed).toEqual({
          ok: true,
          repository: { owner, name },
          ...(branch === undefined ? {} : { baseBranch: branch }),
        });
      }),
    );
  });

  it('the URL forms give the same repository as owner/repo', () => {
    fc.assert(
      fc.property(ownerArb, repoArb, branchArb, (owner, name, branch) => {
        const forms = [
          `https://github.com/${owner}/${name}#${branch}`,
          `https://github.com/${owner}/${name}.git/#${branch}`,
          `git@github.com:${owner}/${name}.git#${branch}`,
        ];
        for (const form of forms) {
          expect(parseRepositoryReference(form)).toMatchObject({
            ok: true,
            repository: { owner, name },
            baseBranch: branch,
          });
        }
      }),
    );
  });

  it('never throws and always explains a rejection with an example', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.anything()), (value) => {
        const result = parseRepositoryReference(value);
        if (!result.ok) expect(result.problem).toMatch(/e\.g\. "/);
      }),
    );
  });
});

describe('formatRepositoryProblemComment', () => {
  it('names the field, quotes the value and says how to fix it', () => {
    const problem = 'PROBLEM-TEXT';
    expect(formatRepositoryProblemComment('Repository', 'not a repo', problem)).toBe(
      [
        'Khitomer cannot work on this ticket yet: the "Repository" field does not name a GitHub repository it can use.',
        '',
        'Value found: "not a repo"',
        'Problem: PROBLEM-TEXT',
        '',
        'To fix it, edit the "Repository" field of this ticket, e.g. to "acme/payments" or "https://github.com/acme/payments#develop" (the part after "#" is the base branch and is optional). Khitomer checks the field again once the ticket has changed.',
      ].join('\n'),
    );
  });

  it('shows empty and structured values in words', () => {
    expect(formatRepositoryProblemComment('Repo', null, 'p')).toContain('Value found: (empty)');
    expect(formatRepositoryProblemComment('Repo', [{ value: 'a/b' }, { value: 'c/d' }], 'p')).toContain(
      'Value found: (a list of 2 values)',
    );
    expect(formatRepositoryProblemComment('Repo', { value: 'acme pay' }, 'p')).toContain('Value found: "acme pay"');
  });

  it('truncates, removes invisible characters, collapses lines and masks credentials', () => {
    const comment = formatRepositoryProblemComment(
      'Repo\u202E',
      `https://user:ghp_abc123@github.com/acme/x?access_token=sekrit \u200B\n${'y'.repeat(500)}`,
      'p',
    );
    expect(comment).not.toContain('ghp_abc123');
    expect(comment).not.toContain('sekrit');
    expect(comment).not.toMatch(/[\u200B\u202E]/);
    const valueLine = comment.split('\n').find((line) => line.startsWith('Value found: '))!;
    expect(valueLine).toContain('"https://***@github.com/acme/x?access_token=*** yyy');
    expect(valueLine.length).toBeLessThanOrEqual('Value found: '.length + 122);
    expect(valueLine.endsWith('…"')).toBe(true);
  });

  it('includes the parser problem for a real bad value', () => {
    const result = parseRepositoryReference('owner/');
    if (result.ok) throw new Error('expected a problem');
    const comment = formatRepositoryProblemComment('customfield_10042', 'owner/', result.problem);
    expect(comment).toContain('the "customfield_10042" field');
    expect(comment).toContain('Value found: "owner/"');
    expect(comment).toContain('Problem: The repository name after "owner/" is missing.');
  });
});
