/**
 * The environment of every git child process. Credentials travel only here (never in argv, the
 * remote URL or `.git/config`): `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` set
 * `http.<origin>/.extraHeader` for network commands. Pure.
 */

/** Variables taken over from the parent environment; everything else (API keys…) stays out. */
const INHERITED = [
  'PATH',
  'HOME',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'SYSTEMROOT',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
] as const;

/** Credentials for one HTTP(S) origin. */
export interface GitHttpAuth {
  /** `scheme://host[:port]` of the remote; the header is sent to this origin only. */
  origin: string;
  token: string;
}

/** The `Authorization` header line git sends: Basic `x-access-token:<token>` (GitHub's convention). Pure. */
export function authorizationHeader(token: string): string {
  return `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

/**
 * Builds the environment for one git command: a small allow-list of `base`, no prompts
 * (`GIT_TERMINAL_PROMPT=0`), hooks and credential helpers disabled (hooks would inherit the
 * token; helpers could store it), no commit signing, and with `auth` the token header scoped
 * to `auth.origin`. `extra` (e.g. author identity) is added last.
 */
export function buildGitEnv(
  base: Readonly<Record<string, string | undefined>>,
  auth?: GitHttpAuth,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = base[name];
    if (value !== undefined) env[name] = value;
  }
  const config: [string, string][] = [
    ['core.hooksPath', '/dev/null'],
    ['credential.helper', ''],
    ['commit.gpgSign', 'false'],
    ['core.askPass', ''],
  ];
  if (auth) config.push([`http.${auth.origin}/.extraHeader`, authorizationHeader(auth.token)]);
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  env.GIT_TERMINAL_PROMPT = '0';
  env.GCM_INTERACTIVE = 'never';
  return { ...env, ...extra };
}
