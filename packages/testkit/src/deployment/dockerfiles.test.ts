import { describe, expect, it } from 'vitest';
import { checkDockerfile, type DockerfileCheckOptions, parseDockerfile, splitStages } from './dockerfiles.js';
import { readRepositoryFile } from './repository-files.js';

const LEADER: DockerfileCheckOptions = { deployedPackage: '@khitomer/leader', requiredFiles: ['proto/leader.proto'] };
const WORKER: DockerfileCheckOptions = { deployedPackage: '@khitomer/worker', requiredPackages: ['git'] };

/** Replaces `from` with `to`, failing loudly when `from` is absent (so a mutation never no-ops). */
function mutate(text: string, from: string | RegExp, to: string): string {
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`mutation did not apply: ${String(from)}`);
  return changed;
}

/** A small Dockerfile that passes the worker's checks; the broken inputs each change one thing. */
const GOOD = `# syntax=docker/dockerfile:1
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /repo
COPY . .
RUN pnpm install --frozen-lockfile && pnpm build \\
  && pnpm --filter @khitomer/worker --prod deploy --legacy /out

FROM node:20.20.2-bookworm-slim
RUN apt-get update \\
  # comment lines inside a continuation are dropped
  && apt-get install --yes --no-install-recommends git ca-certificates
ENV NODE_ENV=production WORKSPACE_DIR=/w
COPY --from=build /out /app
COPY --from=build /repo/proto/leader.proto /app/proto/leader.proto
USER node
HEALTHCHECK --interval=30s CMD ["node", "-e", "process.exit(0)"]
CMD ["node", "dist/main.js"]
`;

describe('parseDockerfile', () => {
  it('joins continuation lines, drops comments and keeps the starting line', () => {
    const instructions = parseDockerfile(GOOD);
    const install = instructions.find((i) => i.arguments.includes('apt-get install'));
    expect(install).toEqual({
      keyword: 'RUN',
      arguments: 'apt-get update && apt-get install --yes --no-install-recommends git ca-certificates',
      line: 9,
    });
    expect(instructions.filter((i) => i.keyword === 'FROM')).toHaveLength(2);
  });

  it('splits stages with their names and bases', () => {
    const stages = splitStages(parseDockerfile('ARG X=1\nFROM --platform=linux/amd64 a:1.2 AS one\nRUN x\nFROM one\n'));
    expect(stages.map((s) => [s.base, s.name, s.instructions.length])).toEqual([
      ['a:1.2', 'one', 1],
      ['one', undefined, 0],
    ]);
  });
});

describe.each([
  ['Dockerfile.leader', LEADER],
  ['Dockerfile.worker', WORKER],
])('%s', (file, options) => {
  const text = readRepositoryFile(file);

  it('exists and passes every check', () => {
    expect(text, `${file} is missing at the repository root`).toBeDefined();
    expect(checkDockerfile(text!, options)).toEqual([]);
  });

  it('would fail if it ran as root or lost its HEALTHCHECK', () => {
    expect(checkDockerfile(mutate(text!, /^USER node$/m, 'USER root'), options)).toEqual(['final stage runs as root']);
    expect(checkDockerfile(mutate(text!, /^HEALTHCHECK/m, '# HEALTHCHECK'), options)).toContain(
      'final stage has no HEALTHCHECK … CMD',
    );
  });
});

describe('checkDockerfile on broken inputs', () => {
  const check = (text: string) => checkDockerfile(text, { ...WORKER, requiredFiles: ['proto/leader.proto'] });

  it('accepts the baseline', () => {
    expect(check(GOOD)).toEqual([]);
  });

  it('rejects a single-stage build', () => {
    const single = GOOD.slice(GOOD.indexOf('FROM node:20.20.2-bookworm-slim\n'));
    expect(check(single)).toEqual([
      'is not multi-stage: 1 FROM',
      'no build stage runs pnpm deploy --prod of @khitomer/worker',
    ]);
  });

  it('rejects unpinned base images but allows earlier stages as bases', () => {
    expect(check(mutate(GOOD, 'FROM node:20.20.2-bookworm-slim AS build', 'FROM node:latest AS build'))).toEqual([
      'base image node:latest uses the moving tag latest',
    ]);
    expect(check(mutate(GOOD, 'FROM node:20.20.2-bookworm-slim\n', 'FROM node\n'))).toEqual([
      'base image node has no tag (means latest)',
    ]);
    expect(check(mutate(GOOD, 'FROM node:20.20.2-bookworm-slim\n', 'FROM build\n'))).toEqual([]);
  });

  it('rejects a missing pnpm deploy --prod of the app', () => {
    expect(check(mutate(GOOD, ' --prod deploy', ' deploy'))).toEqual([
      'no build stage runs pnpm deploy --prod of @khitomer/worker',
    ]);
    expect(check(mutate(GOOD, '--filter @khitomer/worker', '--filter @khitomer/leader'))).toHaveLength(1);
  });

  it('rejects root or missing users', () => {
    expect(check(mutate(GOOD, 'USER node', 'USER 0:0'))).toEqual(['final stage runs as 0:0']);
    expect(check(mutate(GOOD, 'USER node\n', ''))).toEqual(['final stage has no USER, so it runs as root']);
    // A USER in the build stage does not count for the final one.
    expect(check(mutate(GOOD, 'USER node\n', '').replace('WORKDIR /repo', 'USER node\nWORKDIR /repo'))).toHaveLength(1);
  });

  it('rejects a missing or disabled HEALTHCHECK', () => {
    const none = mutate(GOOD, /^HEALTHCHECK .*$/m, 'HEALTHCHECK NONE');
    expect(check(none)).toEqual(['final stage has no HEALTHCHECK … CMD']);
  });

  it('rejects a shell-form or missing CMD', () => {
    expect(check(mutate(GOOD, 'CMD ["node", "dist/main.js"]', 'CMD node dist/main.js'))).toEqual([
      'final stage CMD is not in exec (JSON array) form',
    ]);
    expect(check(mutate(GOOD, 'CMD ["node", "dist/main.js"]\n', ''))).toEqual(['final stage has no CMD']);
  });

  it('rejects secrets baked in with ENV or ARG', () => {
    expect(check(mutate(GOOD, 'ENV NODE_ENV=production', 'ENV GITHUB_TOKEN=ghp_x NODE_ENV=production'))).toEqual([
      'line 12: ENV GITHUB_TOKEN bakes a secret into the image',
    ]);
    expect(check(mutate(GOOD, 'ENV NODE_ENV=production WORKSPACE_DIR=/w', 'ENV OPENAI_API_KEY sk-x'))).toEqual([
      'line 12: ENV OPENAI_API_KEY bakes a secret into the image',
    ]);
    expect(check(mutate(GOOD, 'WORKDIR /repo', 'ARG NPM_TOKEN\nWORKDIR /repo'))).toEqual([
      'line 3: ARG NPM_TOKEN bakes a secret into the image',
    ]);
  });

  it('rejects a worker image without git', () => {
    expect(check(mutate(GOOD, ' git ca-certificates', ' ca-certificates'))).toEqual([
      'final stage does not install git',
    ]);
    expect(check(mutate(GOOD, ' git ca-certificates', ' gitk ca-certificates'))).toEqual([
      'final stage does not install git',
    ]);
    // git installed only in the build stage is not in the image.
    const buildOnly = mutate(GOOD, ' git ca-certificates', ' ca-certificates').replace(
      'WORKDIR /repo',
      'RUN apt-get install -y git\nWORKDIR /repo',
    );
    expect(check(buildOnly)).toEqual(['final stage does not install git']);
  });

  it('rejects a leader image without the proto file', () => {
    expect(check(mutate(GOOD, 'COPY --from=build /repo/proto/leader.proto /app/proto/leader.proto\n', ''))).toEqual([
      'final stage does not copy proto/leader.proto',
    ]);
  });
});
