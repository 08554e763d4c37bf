import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Source-first resolution of workspace packages so tests need no build: every `exports` entry's
 * `@khitomer/source` target becomes an alias. Aliases (not resolve conditions) keep Node's own
 * resolution of node_modules untouched — Temporal's CJS deps (protobufjs/long) break otherwise.
 */
function workspaceAliases(): { find: RegExp; replacement: string }[] {
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const group of ['apps', 'packages']) {
    for (const dir of fs.readdirSync(group)) {
      const manifest = path.join(group, dir, 'package.json');
      if (!fs.existsSync(manifest)) continue;
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as {
        name: string;
        exports?: Record<string, Record<string, string>>;
      };
      for (const [subpath, targets] of Object.entries(pkg.exports ?? {})) {
        const source = targets['@khitomer/source'];
        if (!source) continue;
        const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
        aliases.push({
          find: new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`),
          replacement: path.resolve(group, dir, source),
        });
      }
    }
  }
  return aliases;
}

export default defineConfig({
  resolve: { alias: workspaceAliases() },
  test: {
    // Temporal's native worker does not work in threads.
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{apps,packages}/*/src/**/*.test.ts', 'bench/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.chaos.test.ts', '**/node_modules/**', '**/dist/**'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{apps,packages}/*/src/**/*.int.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          globalSetup: ['packages/testkit/src/temporal/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // Fault, kill and restart suites: they start their own Temporal servers and worker
          // processes, so they run one file at a time after the other projects (see package.json).
          name: 'chaos',
          include: ['{apps,packages}/*/src/**/*.chaos.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          globalSetup: ['packages/testkit/src/temporal/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
