/**
 * Patterns Khitomer's `.dockerignore` must contain. The leading double star matters: a bare
 * `node_modules` only matches at the context root, and every `apps/<name>/node_modules` is a
 * symlink farm into the root one that must not reach the image.
 */
export const REQUIRED_DOCKERIGNORE_PATTERNS: readonly string[] = ['**/node_modules', '**/dist', '.git', '**/.env'];

/** Paths the image build needs; a pattern that is exactly one of these would break it. */
export const BUILD_INPUTS: readonly string[] = [
  'package.json',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'tsconfig.base.json',
  'tsconfig.build.json',
  'apps',
  'packages',
  'proto',
];

/**
 * Problems of a `.dockerignore`: a required pattern missing (or re-included later with `!`),
 * or a build input (or everything, `*`) excluded. Pure; never throws.
 */
export function checkDockerignore(
  text: string,
  required: readonly string[] = REQUIRED_DOCKERIGNORE_PATTERNS,
  buildInputs: readonly string[] = BUILD_INPUTS,
): string[] {
  const patterns = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.replace(/^\/+/, '').replace(/\/+$/, ''));
  const problems: string[] = [];
  for (const pattern of required) {
    const at = patterns.lastIndexOf(pattern);
    if (at === -1) problems.push(`does not exclude ${pattern}`);
    else if (patterns.slice(at + 1).includes(`!${pattern}`)) problems.push(`re-includes ${pattern}`);
  }
  for (const pattern of patterns) {
    if (pattern === '*' || pattern === '**' || buildInputs.includes(pattern)) {
      problems.push(`excludes ${pattern}, which the image build needs`);
    }
  }
  return problems;
}
