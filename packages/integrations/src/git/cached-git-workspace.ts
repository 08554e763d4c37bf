/**
 * A `GitWorkspace` whose `clone` goes through a {@link MirrorCache}; every other method is the
 * wrapped workspace's. A mirror that turns out unusable is discarded and the clone falls back to
 * a direct one, so the cache can make a clone faster but never make it fail.
 */
import { rm } from 'node:fs/promises';
import { isIntegrationError } from '../errors.js';
import type { GitWorkspace } from '../git-workspace.js';
import { type Logger, silentLogger } from '../logger.js';
import { isEmptyOrMissing, type MirrorCache } from './mirror-cache.js';

/** Failures a direct clone would meet as well: passed on instead of falling back. */
const NO_FALLBACK = new Set([
  'aborted',
  'unauthorized',
  'forbidden',
  'not_found',
  'network',
  'unavailable',
  'rate_limited',
]);

/**
 * Wraps `workspace` so that `clone` uses `cache`. When the cached clone fails for a local reason
 * (a damaged mirror, a lock that stayed busy, an unexpected git error), the mirror is discarded,
 * the half-made target removed and `workspace.clone` is used instead; failures a direct clone
 * would also meet (auth, missing repository or branch, network, cancellation) are rethrown as is.
 * Creating it does no I/O.
 * @throws from `clone` the errors of {@link GitWorkspace.clone} (IntegrationError, system `git`).
 */
export function withMirrorCache(
  workspace: GitWorkspace,
  cache: MirrorCache,
  logger: Logger = silentLogger,
): GitWorkspace {
  return {
    ...workspace,
    async clone(options) {
      // A target with content is the caller's mistake: the adapter reports it, nothing is removed.
      if (!(await isEmptyOrMissing(options.dir))) return workspace.clone(options);
      try {
        await cache.clone(options);
        return;
      } catch (err) {
        if (isIntegrationError(err) && NO_FALLBACK.has(err.code)) throw err;
        if (options.signal?.aborted) throw err;
        logger.warn(
          { url: options.url, error: err instanceof Error ? err.message : String(err) },
          'cached clone failed; discarding the mirror and cloning directly',
        );
      }
      await cache.discard(options.url).catch(() => undefined);
      await rm(options.dir, { recursive: true, force: true });
      await workspace.clone(options);
    },
  };
}
