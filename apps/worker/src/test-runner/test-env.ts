/**
 * The scrubbed environment of test commands (PRODUCT.md §7): exactly PATH, HOME, LANG and CI=true.
 * Nothing else of the worker's environment (GITHUB_TOKEN, OPENAI_API_KEY, JIRA_TOKEN, API_TOKEN, …)
 * ever reaches code from the target repository.
 */

/** Values a caller may set; anything else cannot be passed by construction. */
export interface TestEnvOverrides {
  PATH?: string;
  HOME?: string;
  LANG?: string;
}

/** The complete environment of a test process. */
export interface TestEnv {
  PATH: string;
  HOME: string;
  LANG: string;
  CI: 'true';
}

/** Used when neither the caller nor the worker has a PATH. */
export const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Builds the environment. PATH defaults to the worker's own PATH (the one inherited variable,
 * by design: tools such as node, go or pytest must be found), LANG to `C.UTF-8`.
 * Pure apart from reading `process.env.PATH`.
 */
export function buildTestEnv(home: string, overrides: TestEnvOverrides = {}): TestEnv {
  return {
    PATH: overrides.PATH ?? process.env.PATH ?? FALLBACK_PATH,
    HOME: overrides.HOME ?? home,
    LANG: overrides.LANG ?? 'C.UTF-8',
    CI: 'true',
  };
}
