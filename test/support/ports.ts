import { createServer } from 'node:net';

/** A port the kernel chose, listened on until `release()`: held, not merely seen free once. */
export async function holdFreePort(): Promise<{ port: number; release(): Promise<void> }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  return { port, release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * A port free at this moment, for a server that cannot be given port 0 or a held port (wrangler
 * dev and its inspector): the kernel hands out ports in turn, so another process is unlikely to
 * be given this one before the server binds it, unlike a fixed number every run shares.
 */
export async function freePort(): Promise<number> {
  const held = await holdFreePort();
  await held.release();
  return held.port;
}
