/**
 * The leader process of the throughput scenario: `apps/leader/src/main.ts` with its REST and
 * gRPC servers bound to 127.0.0.1 instead of 0.0.0.0 (the benchmark keeps every server on
 * loopback; the leader's main has no setting for the listen host). Wiring only.
 */
import { loadConfigOrExit } from '@khitomer/config';
import { createLeaderAdapters, startLeader } from '@khitomer/leader';
import { createLogger } from '@khitomer/observability';

const config = loadConfigOrExit(process.env, 'leader');
const logger = createLogger({ service: 'leader', level: config.logLevel, secrets: config.secretValues });

try {
  const leader = await startLeader({
    config,
    logger,
    ...createLeaderAdapters(config, logger),
    restHost: '127.0.0.1',
    grpcHost: '127.0.0.1',
  });
  const shutdown = () => void leader.stop().then(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
} catch (err) {
  logger.fatal({ err: err instanceof Error ? err.message : String(err) }, 'leader failed to start');
  process.exit(1);
}
