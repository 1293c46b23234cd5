import { app } from './app';
import { runCleanup } from './cleanup/run';
import { loadConfig } from './config';
import type { Env } from './env';

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    // Awaited rather than waitUntil: the run is the whole job, and a caller (or test) sees when it ends.
    await runCleanup(env.DB, loadConfig(env), Math.floor(controller.scheduledTime / 1000));
  },
} satisfies ExportedHandler<Env>;
