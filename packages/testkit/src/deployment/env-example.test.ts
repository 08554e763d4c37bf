import { environmentSchema } from '@khitomer/config';
import { describe, expect, it } from 'vitest';
import { checkEnvExample, listedVariables } from './env-example.js';
import { readRepositoryFile } from './repository-files.js';

const schemaVariables = Object.keys(environmentSchema.shape);

describe('listedVariables', () => {
  it('reads set and commented-out assignments, ignoring prose', () => {
    const text =
      '# Jira\nJIRA_BASE_URL=https://acme.atlassian.net\n# API_TOKEN=\n#   TEST_COMMAND = npm test\n# e.g. FOO=bar\nexport LOG_LEVEL=info\nlowercase=1\n';
    expect(listedVariables(text)).toEqual(['JIRA_BASE_URL', 'API_TOKEN', 'TEST_COMMAND', 'LOG_LEVEL']);
  });
});

describe('checkEnvExample on broken inputs', () => {
  const complete = schemaVariables.map((name) => `# ${name}=`).join('\n');

  it('accepts a file listing every schema variable', () => {
    expect(checkEnvExample(complete, schemaVariables)).toEqual([]);
  });

  it('rejects a missing variable and a typo', () => {
    const broken = complete.replace('# JIRA_TOKEN=', 'JIRA_TOKN=secret');
    expect(checkEnvExample(`${complete}\nTEMPORAL_CLI_PATH=`, schemaVariables)).toEqual([]);
    expect(checkEnvExample(broken, schemaVariables)).toEqual([
      'does not list JIRA_TOKEN',
      'lists JIRA_TOKN, which is not a configuration variable',
    ]);
  });

  it('accepts names passed as documented extras', () => {
    expect(
      checkEnvExample(`${complete}\nCOMPOSE_PROJECT_NAME=khitomer`, schemaVariables, ['COMPOSE_PROJECT_NAME']),
    ).toEqual([]);
  });
});

// .env.example is written with the README (issue 6, item 4); the test is skipped only while the
// file does not exist.
const envExample = readRepositoryFile('.env.example');
describe('.env.example', () => {
  it.skipIf(envExample === undefined)(
    'lists every variable of the config schema (skipped while .env.example does not exist yet)',
    () => {
      expect(checkEnvExample(envExample!, schemaVariables)).toEqual([]);
    },
  );
});
