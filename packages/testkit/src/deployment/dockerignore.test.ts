import { describe, expect, it } from 'vitest';
import { checkDockerignore } from './dockerignore.js';
import { readRepositoryFile } from './repository-files.js';

const GOOD = '# context\n**/node_modules\n**/dist\n.git\n**/.env\n!.env.example\n';

describe('.dockerignore', () => {
  it('exists and passes every check', () => {
    const text = readRepositoryFile('.dockerignore');
    expect(text, '.dockerignore is missing at the repository root').toBeDefined();
    expect(checkDockerignore(text!)).toEqual([]);
  });
});

describe('checkDockerignore on broken inputs', () => {
  it('accepts the baseline', () => {
    expect(checkDockerignore(GOOD)).toEqual([]);
  });

  it('rejects a root-only node_modules pattern and a missing .env', () => {
    const rootOnly = GOOD.replace('**/node_modules', 'node_modules').replace('**/.env\n', '');
    expect(checkDockerignore(rootOnly)).toEqual(['does not exclude **/node_modules', 'does not exclude **/.env']);
  });

  it('rejects a required pattern that is re-included later', () => {
    expect(checkDockerignore(`${GOOD}!**/dist\n`)).toEqual(['re-includes **/dist']);
  });

  it('rejects excluding what the build needs', () => {
    expect(checkDockerignore(`${GOOD}proto/\n/pnpm-lock.yaml\n*\n`)).toEqual([
      'excludes proto, which the image build needs',
      'excludes pnpm-lock.yaml, which the image build needs',
      'excludes *, which the image build needs',
    ]);
  });
});
