/** Writes the benchmark's results as JSON (`bench/results/latest.json` by default). */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes `results` as pretty JSON to `file`, creating its folder. Non-finite numbers become null.
 * @throws when the file cannot be written.
 */
export async function writeResults(file: string, results: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const json = JSON.stringify(
    results,
    (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  );
  await writeFile(file, `${json}\n`);
}
