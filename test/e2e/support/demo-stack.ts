import { startDemo, type RunningDemo } from '../../../local/demo/server';
import { holdFreePort } from '../../support/ports';
import { startStack, type Stack } from '../../support/stack';

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
  // The worker must know the demo's origin before it starts, and the demo the worker's URL: the
  // port is chosen first and held (listened on) while the stack starts, which takes seconds on a
  // busy machine, then handed to the demo at once, so no other process can take it meanwhile.
  const holder = await holdFreePort();
  const origin = `http://127.0.0.1:${holder.port}`;
  let stack: Stack;
  try {
    stack = await startStack({ DEV_MODE: 'true', MOODLE_ISSUERS: origin, ALLOWED_ORIGINS: origin, ...vars });
  } finally {
    await holder.release();
  }
  let demo: RunningDemo;
  try {
    demo = await startDemo({ port: holder.port, edgeUrl: stack.edge.url });
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
