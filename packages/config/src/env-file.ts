import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';

/**
 * Reads `.env` from `dir` if present and returns `processEnv` layered over it (real environment
 * wins). Does not mutate either input.
 * @throws {Error} only when `.env` exists but cannot be read.
 */
export function environmentWithDotEnv(
  processEnv: Record<string, string | undefined>,
  dir: string,
): Record<string, string | undefined> {
  const file = path.join(dir, '.env');
  if (!fs.existsSync(file)) return { ...processEnv };
  const fromFile = dotenv.parse(fs.readFileSync(file));
  return { ...fromFile, ...processEnv };
}
