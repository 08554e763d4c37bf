import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the repository root. This module sits three levels below it in both
 * `packages/testkit/src/deployment/` and `packages/testkit/dist/deployment/`.
 */
export const repositoryRoot: string = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The UTF-8 text of `relativePath` under the repository root, or `undefined` when there is no
 * such file. Throws the underlying `Error` when the file exists but cannot be read.
 */
export function readRepositoryFile(relativePath: string): string | undefined {
  const file = path.join(repositoryRoot, relativePath);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}
