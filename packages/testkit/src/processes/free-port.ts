import net from 'node:net';

/**
 * Asks the OS for a free TCP port on 127.0.0.1 (bound, then released: another process could take
 * it in between, which is fine for tests).
 * @throws when no port can be bound.
 */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
