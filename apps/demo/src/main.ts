// `pnpm demo [--once]`: wiring only. See demo.ts.
import { runDemo } from './demo.js';

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());

try {
  const result = await runDemo({
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    once: process.argv.includes('--once'),
    stop: stop.signal,
  });
  process.exitCode = result.status === 'COMPLETED' || result.status === 'STOPPED' ? 0 : 1;
} catch (err) {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
