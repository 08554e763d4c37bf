/**
 * Finds the test command of a clone (PRODUCT.md §7): the TEST_COMMAND override, else
 * package.json test script → `npm test` (installing first when a lockfile is present),
 * go.mod → `go test ./...`, pyproject.toml / pytest.ini → `pytest`, Cargo.toml → `cargo test`,
 * Makefile with a `test:` target → `make test`.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** Where a detected command came from. */
export type TestCommandSource =
  | 'override'
  | 'package.json'
  | 'go.mod'
  | 'pyproject.toml'
  | 'pytest.ini'
  | 'Cargo.toml'
  | 'Makefile';

/** Outcome of {@link detectTestCommand}. */
export type TestCommandDetection =
  | {
      detected: true;
      /** The test command line, e.g. `npm test`. */
      command: string;
      /** A dependency install to run first (with network), e.g. `npm ci`. */
      installCommand?: string;
      source: TestCommandSource;
    }
  | { detected: false; reason: string };

/** npm's placeholder from `npm init`: running it always fails, so it does not count as tests. */
const NPM_PLACEHOLDER = /no test specified/;
/** Files larger than this are not parsed (a 50 MB Makefile is not a build description we trust). */
const MAX_MANIFEST_BYTES = 1024 * 1024;

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function readSmall(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_MANIFEST_BYTES) return undefined;
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function detectNode(dir: string): Promise<TestCommandDetection | undefined> {
  const text = await readSmall(path.join(dir, 'package.json'));
  if (text === undefined) return undefined;
  let script: unknown;
  try {
    script = (JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts?.test;
  } catch {
    return undefined;
  }
  if (typeof script !== 'string' || script.trim() === '' || NPM_PLACEHOLDER.test(script)) return undefined;
  let installCommand: string | undefined;
  if (await isFile(path.join(dir, 'package-lock.json'))) installCommand = 'npm ci';
  else if (await isFile(path.join(dir, 'pnpm-lock.yaml'))) installCommand = 'pnpm install --frozen-lockfile';
  return { detected: true, command: 'npm test', source: 'package.json', ...(installCommand ? { installCommand } : {}) };
}

/**
 * Detects the test command of the clone at `dir`.
 * @param override - TEST_COMMAND, when configured (blank counts as absent).
 * Never throws (unreadable files count as absent); read-only.
 */
export async function detectTestCommand(dir: string, override?: string): Promise<TestCommandDetection> {
  if (override !== undefined && override.trim() !== '') {
    return { detected: true, command: override.trim(), source: 'override' };
  }
  const node = await detectNode(dir);
  if (node !== undefined) return node;
  if (await isFile(path.join(dir, 'go.mod'))) return { detected: true, command: 'go test ./...', source: 'go.mod' };
  if (await isFile(path.join(dir, 'pyproject.toml')))
    return { detected: true, command: 'pytest', source: 'pyproject.toml' };
  if (await isFile(path.join(dir, 'pytest.ini'))) return { detected: true, command: 'pytest', source: 'pytest.ini' };
  if (await isFile(path.join(dir, 'Cargo.toml')))
    return { detected: true, command: 'cargo test', source: 'Cargo.toml' };
  const makefile = await readSmall(path.join(dir, 'Makefile'));
  if (makefile !== undefined && /^test\s*::?(?!=)/m.test(makefile)) {
    return { detected: true, command: 'make test', source: 'Makefile' };
  }
  return {
    detected: false,
    reason:
      'no test command found (no package.json test script, go.mod, pyproject.toml, pytest.ini, Cargo.toml or Makefile test target); set TEST_COMMAND',
  };
}
