/**
 * Variables `.env.example` may list although the config schema does not read them, each with
 * the program that does.
 */
export const ENV_EXAMPLE_EXTRA_VARIABLES: Readonly<Record<string, string>> = {
  TEMPORAL_CLI_PATH: 'pnpm demo: the Temporal CLI to start the dev server with (PRODUCT.md §10)',
};

/**
 * Variable names an env file lists: `NAME=value` lines and commented-out `# NAME=value` lines
 * (how optional variables are usually shown), in file order without duplicates. Pure.
 */
export function listedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:#\s*)?(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=/.exec(line);
    if (match) names.add(match[1]!);
  }
  return [...names];
}

/**
 * Problems of `.env.example` against the config schema: a schema variable it does not list
 * (set or commented out), or a listed name the schema does not know (a typo or a stale name),
 * unless that name is in `extraNames`. Pure; never throws.
 */
export function checkEnvExample(
  text: string,
  schemaVariables: Iterable<string>,
  extraNames: Iterable<string> = Object.keys(ENV_EXAMPLE_EXTRA_VARIABLES),
): string[] {
  const listed = new Set(listedVariables(text));
  const known = new Set(schemaVariables);
  const extras = new Set(extraNames);
  const problems: string[] = [];
  for (const name of known) {
    if (!listed.has(name)) problems.push(`does not list ${name}`);
  }
  for (const name of listed) {
    if (!known.has(name) && !extras.has(name)) problems.push(`lists ${name}, which is not a configuration variable`);
  }
  return problems;
}
