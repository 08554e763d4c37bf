import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running loopback HTTP server. */
export interface RunningServer {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  server: http.Server;
  /** Stops listening and destroys every open connection (also hung ones). Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts `handler` on 127.0.0.1 on a free port (or `port`). Errors thrown by the handler become
 * a 500 so one bad request never kills the emulator.
 */
export async function startHttpServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void,
  options: { port?: number } = {},
): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: `emulator error: ${err instanceof Error ? err.message : String(err)}` }));
        } else {
          res.destroy();
        }
      });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** Reads the whole request body; rejects with `BodyTooLargeError` past `limitBytes`. */
export async function readBody(req: http.IncomingMessage, limitBytes = 10 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) throw new BodyTooLargeError(limitBytes);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Thrown by {@link readBody} when the body exceeds its limit. */
export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`request body larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Sends a JSON response. */
export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json;charset=UTF-8' }),
    ...headers,
  });
  res.end(text);
}
