import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** How to obtain the Temporal CLI, in the shape `@temporalio/testing` expects. */
export type TemporalExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Where `.ci/run` caches the CLI it builds (outside any clone). */
export function cachedCliPath(home: string = os.homedir()): string {
  return path.join(home, '.cache', 'khitomer', 'bin', 'temporal');
}

/**
 * Picks the Temporal CLI: `TEMPORAL_CLI_PATH`, else `temporal` on PATH, else the CLI cached by
 * `.ci/run`, else the SDK's own download (needs internet).
 * @throws {Error} when TEMPORAL_CLI_PATH is set but not an executable file (a clear config mistake).
 */
export function resolveTemporalExecutable(env: Record<string, string | undefined>): TemporalExecutable {
  const explicit = env.TEMPORAL_CLI_PATH?.trim();
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not an executable file; point it at the temporal CLI binary`);
    }
    return { type: 'existing-path', path: explicit };
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'temporal');
    if (isExecutable(candidate)) return { type: 'existing-path', path: candidate };
  }
  const cached = cachedCliPath(env.HOME ?? os.homedir());
  if (isExecutable(cached)) return { type: 'existing-path', path: cached };
  return { type: 'cached-download' };
}
