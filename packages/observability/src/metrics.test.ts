import { Counter } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry, type MetricsServer, startMetricsServer } from './metrics.js';

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('metrics server', () => {
  it('serves registered metrics in Prometheus format', async () => {
    const registry = createMetricsRegistry('worker');
    const runs = new Counter({
      name: 'khitomer_runs_total',
      help: 'runs',
      labelNames: ['outcome'],
      registers: [registry],
    });
    runs.inc({ outcome: 'completed' });
    server = await startMetricsServer([registry], { port: 0, host: '127.0.0.1' });
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('khitomer_runs_total{outcome="completed",service="worker"} 1');
    expect(body).toContain('process_cpu_user_seconds_total');
    expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('listens on the host it is given and names a reachable URL for the wildcard address', async () => {
    const registry = createMetricsRegistry('worker');
    server = await startMetricsServer([registry], { port: 0, host: '127.0.0.1' });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
    await server.close();
    server = await startMetricsServer([registry], { port: 0, host: '0.0.0.0' });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
    expect((await fetch(server.url)).status).toBe(200);
  });
});
