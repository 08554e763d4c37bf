import { afterEach, describe, expect, it } from 'vitest';
import { type EmulatorStack, startEmulatorStack } from './emulator-stack.js';

let stack: EmulatorStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('startEmulatorStack', () => {
  it('starts the emulators with the fixture repo and an env that points at them', async () => {
    stack = await startEmulatorStack({ secrets: { githubToken: 'ghp_uniqueStackSecret1234567890abcdefghij' } });
    expect(stack.env.GITHUB_API_URL).toBe(stack.github.url);
    expect(stack.env.OPENAI_BASE_URL).toBe(`${stack.llm.url}/v1`);
    expect(stack.github.repository('acme', 'calculator')).toBeDefined();
    expect(stack.secretValues).toContain('ghp_uniqueStackSecret1234567890abcdefghij');
    const res = await fetch(`${stack.github.url}/repos/acme/calculator`, {
      headers: { authorization: `token ${stack.env.GITHUB_TOKEN}` },
    });
    expect(res.status).toBe(200);
  });
});
