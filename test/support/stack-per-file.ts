import { after, before } from 'node:test';
import { startStack, type Stack } from './stack';

/**
 * The stack a test file shares: started in `before`, closed in `after`, as each file used to
 * write out. What it returns stands for the running stack (reads go to it once `before` has
 * run; reading earlier, at the file's top level, is a mistake and says so).
 */
export function stackPerFile(...args: Parameters<typeof startStack>): Stack {
  let running: Stack | undefined;
  before(async () => {
    running = await startStack(...args);
  });
  after(async () => {
    await running?.close();
  });
  return new Proxy({} as Stack, {
    get(_, key) {
      if (!running) throw new Error(`the stack is read (.${String(key)}) before it started: only inside tests and hooks`);
      return running[key as keyof Stack];
    },
  });
}

/** Empties these tables and the rate limits' KV: a test that must start from nothing. */
export async function emptyStack(stack: Stack, tables: readonly string[] = ['videos', 'events']): Promise<void> {
  await stack.edge.db.batch(tables.map((t) => stack.edge.db.prepare(`DELETE FROM ${t}`)));
  for (const key of (await stack.edge.kv.list()).keys) await stack.edge.kv.delete(key.name);
}
