import { describe, expect, it } from 'vitest';
import { assertBranch, authorizationHeader, buildGitEnv, httpOriginOf } from './git-env.js';

const TOKEN = 'ghp_secret_token_value_0000000000000000';

function configOf(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < Number(env.GIT_CONFIG_COUNT); i++)
    out[env[`GIT_CONFIG_KEY_${i}`] ?? ''] = env[`GIT_CONFIG_VALUE_${i}`] ?? '';
  return out;
}

describe('buildGitEnv', () => {
  const base = { PATH: '/usr/bin', HOME: '/home/w', OPENAI_API_KEY: 'sk-x', GITHUB_TOKEN: TOKEN, GIT_ASKPASS: '/x' };

  it('passes an allow-list of the parent environment only', () => {
    const env = buildGitEnv(base);
    expect(env.PATH).toBe('/usr/bin');
    expect(env.HOME).toBe('/home/w');
    expect(env.OPENAI_API_KEY).toBeUndefined();
    expect(env.GITHUB_TOKEN).toBeUndefined();
    expect(env.GIT_ASKPASS).toBeUndefined();
    expect(env.GIT_TERMINAL_PROMPT).toBe('0');
  });

  it('disables hooks, credential helpers and signing; no token without auth', () => {
    const env = buildGitEnv(base);
    expect(configOf(env)).toEqual({
      'core.hooksPath': '/dev/null',
      'credential.helper': '',
      'commit.gpgSign': 'false',
      'core.askPass': '',
    });
    expect(JSON.stringify(env)).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
  });

  it('sends the token as a Basic header scoped to the remote origin', () => {
    const env = buildGitEnv(base, { origin: 'https://github.example.com', token: TOKEN });
    const config = configOf(env);
    expect(config['http.https://github.example.com/.extraHeader']).toBe(
      `Authorization: Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`,
    );
    expect(authorizationHeader(TOKEN)).toBe(config['http.https://github.example.com/.extraHeader']);
    // The raw token itself is never in the environment.
    expect(Object.values(env).some((v) => v.includes(TOKEN))).toBe(false);
  });

  it('adds extra variables last', () => {
    expect(buildGitEnv(base, undefined, { GIT_AUTHOR_NAME: 'K' }).GIT_AUTHOR_NAME).toBe('K');
  });
});

describe('argument checks', () => {
  it('accepts ordinary branch names and rejects option-like or invalid ones', () => {
    expect(() => assertBranch('khitomer/KHI-1-fix')).not.toThrow();
    for (const bad of ['', '--upload-pack=x', 'a..b', 'a b', 'a:b', 'ref.lock', 'dir/']) {
      expect(() => assertBranch(bad)).toThrow(/invalid branch name/);
    }
  });

  it('takes the origin of http(s) URLs without credentials only', () => {
    expect(httpOriginOf('https://github.com/acme/calc.git')).toBe('https://github.com');
    expect(httpOriginOf('http://127.0.0.1:4000/acme/calc.git')).toBe('http://127.0.0.1:4000');
    expect(() => httpOriginOf('ssh://git@github.com/acme/calc.git')).toThrow(/must be http/);
    expect(() => httpOriginOf('https://user:pw@github.com/acme/calc.git')).toThrow(/credentials/);
    expect(() => httpOriginOf('not a url')).toThrow(/not a valid URL/);
  });
});
