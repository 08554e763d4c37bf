/**
 * Leader process entry point — wiring only: `.env` → configuration (exit 2 listing every
 * problem) → logger → adapters → {@link startLeader}; SIGTERM/SIGINT stop it gracefully.
 */
import { environmentWithDotEnv, loadConfigOrExit } from '@khitomer/config';
import { createLogger } from '@khitomer/observability';
import { createLeaderAdapters } from './adapters.js';
import { startLeader } from './leader.js';

const config = loadConfigOrExit(environmentWithDotEnv(process.env, process.cwd()), 'leader');
const logger = createLogger({ service: 'leader', level: config.logLevel, secrets: config.secretValues });

try {
  const leader = await startLeader({ config, logger, ...createLeaderAdapters(config, logger) });
  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    void leader.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
} catch (err) {
  logger.fatal({ err: err instanceof Error ? err.message : String(err) }, 'leader failed to start');
  process.exit(1);
}
