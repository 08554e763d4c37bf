import { describe, expect, it } from 'vitest';
import { maskSecret, secretValueVariants } from './secret-patterns.js';
import { scanForSecrets } from './secret-scan.js';

// Token-shaped fixtures are assembled at run time so this file never contains a real-looking secret.
const alnum = (n: number, seed = 7): string =>
  Array.from({ length: n }, (_, i) => 'aB3dE5fG7hJ9kLmN0pQrS2tUvWxYz4'[(i * seed) % 30]).join('');
const FIXTURES = {
  ghp: `ghp_${alnum(36)}`,
  gho: `gho_${alnum(36, 11)}`,
  ghs: `ghs_${alnum(36, 13)}`,
  ghu: `ghu_${alnum(36, 17)}`,
  pat: `github_pat_${alnum(22)}_${alnum(59, 11)}`,
  aws: `AKIA${'QWERTYUIOPASDFGH'}`,
  openai: `sk-${alnum(48)}`,
  openaiProj: `sk-proj-${alnum(60, 13)}`,
  slack: `xoxb-${'1234567890'}-${'0987654321'}-${alnum(24)}`,
  pemHeader: `-----BEGIN ${'RSA PRIVATE'} KEY-----`,
};

function addedFile(file: string, lines: string[], context = ''): string {
  return [
    `diff --git a/${file} b/${file}`,
    `--- a/${file}`,
    `+++ b/${file}`,
    `@@ -1,1 +1,${lines.length + 1} @@`,
    ` ${context}`,
    ...lines.map((l) => `+${l}`),
    '',
  ].join('\n');
}

describe('scanForSecrets', () => {
  it.each([
    ['GitHub classic token (ghp_)', FIXTURES.ghp, 'github-token'],
    ['GitHub OAuth token (gho_)', FIXTURES.gho, 'github-token'],
    ['GitHub app token (ghs_)', FIXTURES.ghs, 'github-token'],
    ['GitHub user-to-server token (ghu_)', FIXTURES.ghu, 'github-token'],
    ['GitHub fine-grained PAT', FIXTURES.pat, 'github-token'],
    ['AWS access key id', FIXTURES.aws, 'aws-access-key'],
    ['OpenAI key', FIXTURES.openai, 'openai-key'],
    ['OpenAI project key', FIXTURES.openaiProj, 'openai-key'],
    ['Slack token', FIXTURES.slack, 'slack-token'],
    ['private key block', FIXTURES.pemHeader, 'private-key'],
  ])('finds a %s on an added line without echoing it', async (_name, secret, kind) => {
    const findings = await scanForSecrets(addedFile('src/config.ts', ['const ok = 1;', `const value = "${secret}";`]), {
      secretValues: [],
    });
    expect(findings.map((f) => [f.file, f.line, f.kind])).toContainEqual(['src/config.ts', 3, kind]);
    expect(JSON.stringify(findings)).not.toContain(secret.slice(8));
  });

  it('finds configured secret values, plain and base64-encoded, and never reports them', async () => {
    const secret = 'jira-api-token-value-123456';
    const b64 = Buffer.from(secret).toString('base64');
    const basicAuth = Buffer.from(`me@example.com:${secret}`).toString('base64');
    const findings = await scanForSecrets(
      addedFile('deploy.sh', [`TOKEN=${secret}`, `HEADER="${b64}"`, `AUTH="Basic ${basicAuth}"`, 'echo done']),
      { secretValues: [secret, '', 'short'] },
    );
    expect(findings.map((f) => [f.line, f.kind, f.source])).toEqual([
      [2, 'configured-secret', 'configured'],
      [3, 'configured-secret', 'configured'],
      [4, 'configured-secret', 'configured'],
    ]);
    const json = JSON.stringify(findings);
    expect(json).not.toContain(secret);
    expect(json).not.toContain(b64);
  });

  it('ignores removed and context lines', async () => {
    const text = [
      'diff --git a/a.env b/a.env',
      '--- a/a.env',
      '+++ b/a.env',
      '@@ -1,2 +1,2 @@',
      ` KEEP=${FIXTURES.ghp}`,
      `-OLD=${FIXTURES.aws}`,
      '+NEW=placeholder',
      '',
    ].join('\n');
    expect(await scanForSecrets(text, { secretValues: [FIXTURES.ghp] })).toEqual([]);
  });

  it('reports one finding per file, line and kind even when both rule sets hit', async () => {
    const findings = await scanForSecrets(addedFile('a.ts', [`t = "${FIXTURES.ghp}"`]), { secretValues: [] });
    expect(findings.filter((f) => f.kind === 'github-token')).toHaveLength(1);
  });

  it('still scans with its own patterns when secretlint is off', async () => {
    const findings = await scanForSecrets(addedFile('a.ts', [FIXTURES.aws]), {
      secretValues: [],
      useSecretlint: false,
    });
    expect(findings).toEqual([
      { file: 'a.ts', line: 2, kind: 'aws-access-key', preview: 'AKIA…(20 chars)', source: 'pattern' },
    ]);
  });

  it.each([
    ['kebab-case identifiers', 'const cls = "sk-some-long-kebab-case-identifier-name-here";'],
    ['task- words', 'const t = "task-abcdefghijklmnopqrstuvwxyz0123456789";'],
    ['short gh prefix', 'const x = "ghp_short";'],
    ['public key', '-----BEGIN PUBLIC KEY-----'],
    ['plain code', 'export function add(a: number, b: number) { return a + b; }'],
  ])('does not flag %s', async (_name, line) => {
    expect(await scanForSecrets(addedFile('a.ts', [line]), { secretValues: [] })).toEqual([]);
  });

  it('returns nothing for an empty diff', async () => {
    expect(await scanForSecrets('', { secretValues: ['something-secret'] })).toEqual([]);
  });
});

describe('secret helpers', () => {
  it('masks all but a short public prefix', () => {
    expect(maskSecret(FIXTURES.ghp, 4)).toBe('ghp_…(40 chars)');
    expect(maskSecret('abcdef', 64)).toBe('ab…(6 chars)');
  });

  it('base64 variants find the value at any byte offset of encoded text', () => {
    const value = 'configured-secret-value';
    const variants = secretValueVariants(value);
    for (const prefix of ['', 'x', 'xy', 'user:']) {
      const encoded = Buffer.from(`${prefix}${value}!`).toString('base64');
      expect(
        variants.some((v) => encoded.includes(v)),
        `prefix "${prefix}"`,
      ).toBe(true);
    }
  });
});

describe('secretlint rules', () => {
  it('adds the shapes of the recommended preset (e.g. an npm token) to our own', async () => {
    const npmToken = `npm_${alnum(36)}`;
    const text = addedFile('.npmrc', [`//registry.npmjs.org/:_authToken=${npmToken}`]);
    const findings = await scanForSecrets(text, { secretValues: [] });
    expect(findings).toEqual([expect.objectContaining({ file: '.npmrc', line: 2, source: 'secretlint' })]);
    expect(JSON.stringify(findings)).not.toContain(npmToken);
    expect(await scanForSecrets(text, { secretValues: [], useSecretlint: false })).toEqual([]);
  });
});
