import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** A fresh Prometheus registry with the default process metrics and a `service` label. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** A running `/metrics` HTTP server. */
export interface MetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text format) from one or more registries on `host:port`
 * (port 0 picks a free one). Other paths answer 404.
 * @throws when the port cannot be bound.
 */
export async function startMetricsServer(
  registries: Registry[],
  options: { port: number; host?: string; extra?: () => Promise<string> },
): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    // Each registry renders itself so its default labels (e.g. `service`) are kept.
    Promise.all([...registries.map((r) => r.metrics()), options.extra ? options.extra() : Promise.resolve('')])
      .then((parts) => {
        res.writeHead(200, { 'content-type': Registry.PROMETHEUS_CONTENT_TYPE });
        res.end(parts.filter(Boolean).join('\n'));
      })
      .catch(() => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('metrics unavailable\n');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${displayHost(options.host)}:${port}/metrics`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The host to put in a URL for a server bound to `host`: loopback for the wildcard addresses, IPv6 in brackets. Pure. */
function displayHost(host: string | undefined): string {
  if (host === undefined || host === '' || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
