/** The real adapters of a worker, built from its configuration. */
import type { KhitomerConfig } from '@khitomer/config';
import {
  createGitWorkspace,
  createMirrorCache,
  createServiceAdapters,
  type GitWorkspace,
  type MirrorCache,
  type ServiceAdapters,
  withMirrorCache,
} from '@khitomer/integrations';
import type { Logger } from '@khitomer/observability';
import { mirrorCacheDirFor } from './activities/workspace-path.js';

/** The outside systems a worker talks to. */
export interface WorkerAdapters extends ServiceAdapters {
  git: GitWorkspace;
  /** The clone cache behind `git.clone`, when there is one (its `idle()` lets tests and benchmarks wait for spares). */
  mirrorCache?: MirrorCache;
}

/**
 * Jira (jira.js), GitHub (octokit), git (simple-git) and OpenAI adapters for `config`, each
 * logging through a child of `logger`. Clones go through this worker's clone cache in
 * `WORKSPACE_DIR/.mirrors` (a mirror per repository, refreshed by fetch, plus a parked spare
 * checkout per repository and branch), falling back to a direct clone when the cache fails. Does no I/O.
 * @throws IntegrationError `bad_input` (not retryable) for an unusable base URL.
 */
export function createAdapters(config: KhitomerConfig, logger: Logger): WorkerAdapters {
  const gitLogger = logger.child({ component: 'git' });
  const mirrorCache = createMirrorCache({
    token: config.github.token,
    cacheDir: mirrorCacheDirFor(config.workspaceDir),
    logger: gitLogger,
  });
  return {
    ...createServiceAdapters(config, (component) => logger.child({ component })),
    git: withMirrorCache(createGitWorkspace({ token: config.github.token, logger: gitLogger }), mirrorCache, gitLogger),
    mirrorCache,
  };
}
