/**
 * The real outside-system adapters of the leader (Jira, GitHub, OpenAI-compatible model), built
 * from configuration. Tests pass their own instead.
 */
import type { KhitomerConfig } from '@khitomer/config';
import { createServiceAdapters, type ServiceAdapters } from '@khitomer/integrations';
import type { Logger } from '@khitomer/observability';

/** The leader's adapters. */
export type LeaderAdapters = ServiceAdapters;

/**
 * Creates the adapters; none does I/O until used. Secrets go only to the adapters, which never
 * log them.
 * @throws {IntegrationError} `bad_input` (not retryable) when a configured URL is unusable.
 */
export function createLeaderAdapters(config: KhitomerConfig, logger: Logger): LeaderAdapters {
  return createServiceAdapters(config, (component) => logger.child({ component }));
}
