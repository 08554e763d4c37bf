import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectRepoGuidance, formatRepoGuidance } from './repo-guidance.js';

let base: string;
let root: string;

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'khitomer-guidance-'));
  root = path.join(base, 'repo');
  await mkdir(path.join(root, '.github'), { recursive: true });
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('collectRepoGuidance', () => {
  it('reads AGENTS.md, CONTRIBUTING.md (also under .github) and a README excerpt', async () => {
    await writeFile(path.join(root, 'AGENTS.md'), 'agents rules\n');
    await writeFile(path.join(root, '.github', 'CONTRIBUTING.md'), 'contributing rules\n');
    await writeFile(path.join(root, 'Readme.md'), `# Title\n${'r'.repeat(10_000)}`);
    const guidance = await collectRepoGuidance(root);
    expect(guidance.files.map((f) => [f.path, f.truncated])).toEqual([
      ['AGENTS.md', false],
      ['.github/CONTRIBUTING.md', false],
      ['Readme.md', true],
    ]);
    expect(Buffer.byteLength(guidance.files[2]!.content)).toBe(3 * 1024);
    const text = formatRepoGuidance(guidance);
    expect(text).toMatch(/^--- AGENTS\.md ---\nagents rules\n\n--- \.github\/CONTRIBUTING\.md ---/);
    expect(text).toMatch(/--- Readme\.md \(excerpt\) ---\n# Title/);
  });

  it('caps each file and the total', async () => {
    await writeFile(path.join(root, 'AGENTS.md'), 'a'.repeat(50_000));
    await writeFile(path.join(root, 'CONTRIBUTING.md'), 'c'.repeat(50_000));
    await writeFile(path.join(root, 'README.md'), 'r'.repeat(50_000));
    const guidance = await collectRepoGuidance(root, {
      maxBytesPerFile: 1000,
      readmeExcerptBytes: 500,
      maxTotalBytes: 1800,
    });
    expect(guidance.files.map((f) => f.content.length)).toEqual([1000, 800]);
  });

  it('skips guidance files that are symlinks leading outside the clone', async () => {
    await writeFile(path.join(base, 'secret.txt'), 'TOP SECRET');
    await symlink(path.join(base, 'secret.txt'), path.join(root, 'AGENTS.md'));
    await symlink(path.join(base, 'secret.txt'), path.join(root, 'README.md'));
    const guidance = await collectRepoGuidance(root);
    expect(guidance.files).toEqual([]);
    expect(formatRepoGuidance(guidance)).toMatch(/no AGENTS\.md/);
  });

  it('returns nothing for a missing directory', async () => {
    expect(await collectRepoGuidance(path.join(base, 'missing'))).toEqual({ files: [] });
  });
});
