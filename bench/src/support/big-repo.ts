/**
 * The big repository of the clone and LLM-context scenarios: the calculator fixture plus ~20 000
 * generated files, two files larger than the agent's read limits and a long history, written
 * straight into the GitHub emulator's bare repository with `git fast-import` (seconds, not minutes).
 */
import { spawn } from 'node:child_process';
import { fixturePath } from '@khitomer/testkit/fixtures';
import type { GitHubEmulator } from '@khitomer/testkit/github';

/** Shape of the generated repository. */
export interface BigRepoSpec {
  /** Files under `packages/pkg-NN/src/dir-NN/` (50 per folder, 10 folders per package). */
  packageFiles: number;
  /** Files in the one flat folder `locales/` (more than list_files shows at once). */
  flatFiles: number;
  /** Commits after the import, each changing `filesPerCommit` generated files. */
  historyCommits: number;
  filesPerCommit: number;
  /** Size of `data/huge.json`: above the agent's whole-file read limit (1 MiB). */
  hugeFileBytes: number;
  /** Size of `docs/big-notes.md`: above one read_file answer (24 KiB), below the whole-file limit. */
  largeFileBytes: number;
}

/** The default: 19 000 + 1 000 files, 1 000 commits of history. */
export const DEFAULT_BIG_REPO: BigRepoSpec = {
  packageFiles: 19_000,
  flatFiles: 1_000,
  historyCommits: 1_000,
  filesPerCommit: 5,
  hugeFileBytes: 2 * 1024 * 1024,
  largeFileBytes: 256 * 1024,
};

/** Strings written only at the very end of the two large files: seeing one in a prompt means a whole file leaked. */
export const TAIL_SENTINELS = ['KHITOMER_TAIL_OF_HUGE_JSON_5b1e', 'KHITOMER_TAIL_OF_BIG_NOTES_9c4d'] as const;

/** What was generated. */
export interface BigRepo {
  owner: string;
  name: string;
  cloneUrl: string;
  /** Files at the tip of the default branch. */
  files: number;
  /** Commits on the default branch. */
  commits: number;
  generateMs: number;
}

const WORDS = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau'.split(
  ' ',
);

/** Deterministic pseudo-random numbers in [0, 1) (LCG): the same repository on every run. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

function packagePath(i: number): string {
  const pkg = String(Math.floor(i / 500)).padStart(2, '0');
  const dir = String(Math.floor((i % 500) / 50)).padStart(2, '0');
  return `packages/pkg-${pkg}/src/dir-${dir}/mod-${String(i % 50).padStart(2, '0')}.js`;
}

function moduleSource(i: number, version: number, random: () => number): string {
  const lines = [`// Generated module ${i}, revision ${version}.`];
  for (let l = 0; l < 20 + (i % 40); l++) {
    const word = WORDS[Math.floor(random() * WORDS.length)];
    lines.push(`export const ${WORDS[(i + l) % WORDS.length]}_${l} = '${word}-${i}-${version}-${l}';`);
  }
  return `${lines.join('\n')}\n`;
}

function localeFile(i: number): string {
  return `${JSON.stringify({ id: i, greeting: `hello ${i}`, farewell: `bye ${i}` }, null, 2)}\n`;
}

function filler(bytes: number, lineOf: (n: number) => string, sentinel: string): string {
  const parts: string[] = [];
  let size = 0;
  for (let n = 1; size < bytes; n++) {
    const line = lineOf(n);
    parts.push(line);
    size += line.length + 1;
  }
  parts.push(sentinel);
  return `${parts.join('\n')}\n`;
}

/** Streams a fast-import script into `git fast-import` run on `gitDir`. */
class FastImport {
  private readonly child;
  private readonly done: Promise<void>;
  private buffer: Buffer[] = [];
  private buffered = 0;
  private time = 1_704_067_200;

  constructor(gitDir: string) {
    this.child = spawn('git', ['--git-dir', gitDir, 'fast-import', '--quiet', '--done'], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', GIT_CONFIG_NOSYSTEM: '1' },
    });
    let stderr = '';
    this.child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    this.done = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`git fast-import exited with ${code}: ${stderr.trim()}`)),
      );
    });
    this.done.catch(() => undefined);
  }

  private async write(text: string): Promise<void> {
    const chunk = Buffer.from(text);
    this.buffer.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    const data = Buffer.concat(this.buffer);
    this.buffer = [];
    this.buffered = 0;
    if (!this.child.stdin.write(data)) await new Promise((resolve) => this.child.stdin.once('drain', resolve));
  }

  /** Adds one commit on `refs/heads/<branch>` with the given files (path → content). */
  async commit(branch: string, message: string, files: Iterable<[string, string]>, from?: string): Promise<void> {
    this.time += 3600;
    const who = `Khitomer Bench <bench@khitomer.invalid> ${this.time} +0000`;
    await this.write(`commit refs/heads/${branch}\nauthor ${who}\ncommitter ${who}\n`);
    await this.write(`data ${Buffer.byteLength(message)}\n${message}\n`);
    if (from) await this.write(`from ${from}\n`);
    for (const [file, content] of files) {
      await this.write(`M 100644 inline ${file}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
    }
    await this.write('\n');
  }

  /** Ends the stream and waits for git. @throws when fast-import fails. */
  async finish(): Promise<void> {
    await this.write('done\n');
    await this.flush();
    this.child.stdin.end();
    await this.done;
  }
}

function git(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`git ${args[0]}: ${err.trim()}`))));
  });
}

/**
 * Creates `owner/name` on the emulator from the calculator fixture, then appends the generated
 * import commit and `spec.historyCommits` small commits to its `main` with `git fast-import`.
 * @throws when the repository exists or git fails.
 */
export async function createBigRepo(
  github: GitHubEmulator,
  owner: string,
  name: string,
  spec: BigRepoSpec = DEFAULT_BIG_REPO,
): Promise<BigRepo> {
  const started = performance.now();
  const record = await github.createRepoFromFixture(owner, name, fixturePath('calculator-js'));
  const base = (await git(['--git-dir', record.gitDir, 'rev-parse', 'refs/heads/main'])).trim();
  const random = lcg(42);
  const importer = new FastImport(record.gitDir);

  function* importedFiles(): Generator<[string, string]> {
    for (let i = 0; i < spec.packageFiles; i++) yield [packagePath(i), moduleSource(i, 0, random)];
    for (let i = 0; i < spec.flatFiles; i++) yield [`locales/msg-${String(i).padStart(4, '0')}.json`, localeFile(i)];
    yield [
      'data/huge.json',
      filler(
        spec.hugeFileBytes,
        (n) => `{"row": ${n}, "value": "${WORDS[n % WORDS.length]}-${n}"},`,
        TAIL_SENTINELS[0],
      ),
    ];
    yield [
      'docs/big-notes.md',
      filler(
        spec.largeFileBytes,
        (n) => `- Note ${n}: the ${WORDS[n % WORDS.length]} module is generated.`,
        TAIL_SENTINELS[1],
      ),
    ];
  }
  await importer.commit('main', 'Import generated packages, locales and data', importedFiles(), base);
  for (let c = 1; c <= spec.historyCommits; c++) {
    const changed = new Map<string, string>();
    for (let k = 0; k < spec.filesPerCommit; k++) {
      const i = Math.floor(random() * spec.packageFiles);
      changed.set(packagePath(i), moduleSource(i, c, random));
    }
    await importer.commit('main', `Update generated modules (${c})`, changed);
  }
  await importer.finish();
  const files =
    (await git(['--git-dir', record.gitDir, 'ls-tree', '-r', '--name-only', 'main'])).split('\n').length - 1;
  const commits = Number((await git(['--git-dir', record.gitDir, 'rev-list', '--count', 'main'])).trim());
  return { owner, name, cloneUrl: record.cloneUrl, files, commits, generateMs: performance.now() - started };
}
