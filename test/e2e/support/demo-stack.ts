import { createServer } from 'node:net';
import { startDemo, type RunningDemo } from '../../../local/demo/server';
import { startStack, type Stack } from '../../support/stack';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface DemoStack {
  stack: Stack;
  demo: RunningDemo;
  close(): Promise<void>;
}

/**
 * The demo pages on the worker in workerd (in-memory D1/KV: every test file
 * starts clean), the CDN stand-in and the local S3. The demo plays the Moodle
 * site, so its origin is the token issuer and the one origin CORS allows.
 */
export async function startDemoStack(vars: Record<string, string> = {}): Promise<DemoStack> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const stack = await startStack({ DEV_MODE: 'true', MOODLE_ISSUERS: origin, ALLOWED_ORIGINS: origin, ...vars });
  let demo: RunningDemo;
  try {
    demo = await startDemo({ port, edgeUrl: stack.edge.url });
  } catch (err) {
    await stack.close();
    throw err;
  }
  return {
    stack,
    demo,
    async close() {
      await demo.close();
      await stack.close();
    },
  };
}
