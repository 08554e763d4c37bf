import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestCommandDetection } from './detect-test-command.js';
import { detectTestCommand } from './detect-test-command.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'khitomer-detect-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const pkg = (scripts: Record<string, string>): string => JSON.stringify({ name: 'x', scripts });

describe('detectTestCommand', () => {
  const table: [string, Record<string, string>, TestCommandDetection | RegExp][] = [
    [
      'package.json test script',
      { 'package.json': pkg({ test: 'vitest run' }) },
      { detected: true, command: 'npm test', source: 'package.json' },
    ],
    [
      'package.json + package-lock.json',
      { 'package.json': pkg({ test: 'jest' }), 'package-lock.json': '{}' },
      { detected: true, command: 'npm test', installCommand: 'npm ci', source: 'package.json' },
    ],
    [
      'package.json + pnpm-lock.yaml',
      { 'package.json': pkg({ test: 'jest' }), 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" },
      { detected: true, command: 'npm test', installCommand: 'pnpm install --frozen-lockfile', source: 'package.json' },
    ],
    ['go.mod', { 'go.mod': 'module x\n' }, { detected: true, command: 'go test ./...', source: 'go.mod' }],
    [
      'pyproject.toml',
      { 'pyproject.toml': '[project]\n' },
      { detected: true, command: 'pytest', source: 'pyproject.toml' },
    ],
    ['pytest.ini', { 'pytest.ini': '[pytest]\n' }, { detected: true, command: 'pytest', source: 'pytest.ini' }],
    ['Cargo.toml', { 'Cargo.toml': '[package]\n' }, { detected: true, command: 'cargo test', source: 'Cargo.toml' }],
    [
      'Makefile with test:',
      { Makefile: 'build:\n\tcc x.c\ntest: build\n\t./x\n' },
      { detected: true, command: 'make test', source: 'Makefile' },
    ],
    ['Makefile without test target', { Makefile: 'build:\n\tcc x.c\ntest := no\n' }, /no test command found/],
    [
      "npm's placeholder script is not a test",
      { 'package.json': pkg({ test: 'echo "Error: no test specified" && exit 1' }) },
      /no test command found/,
    ],
    [
      'package.json without test script falls through to go.mod',
      { 'package.json': pkg({ build: 'tsc' }), 'go.mod': 'module x\n' },
      { detected: true, command: 'go test ./...', source: 'go.mod' },
    ],
    [
      'invalid package.json is ignored',
      { 'package.json': '{nope', 'Cargo.toml': '' },
      { detected: true, command: 'cargo test', source: 'Cargo.toml' },
    ],
    ['nothing', {}, /set TEST_COMMAND/],
  ];

  it.each(table)('%s', async (_name, files, expected) => {
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
    const result = await detectTestCommand(dir);
    if (expected instanceof RegExp) {
      expect(result.detected).toBe(false);
      if (!result.detected) expect(result.reason).toMatch(expected);
    } else {
      expect(result).toEqual(expected);
    }
  });

  it('prefers the TEST_COMMAND override', async () => {
    await writeFile(path.join(dir, 'go.mod'), 'module x\n');
    expect(await detectTestCommand(dir, '  make check ')).toEqual({
      detected: true,
      command: 'make check',
      source: 'override',
    });
    expect(await detectTestCommand(dir, '   ')).toMatchObject({ command: 'go test ./...' });
  });
});
