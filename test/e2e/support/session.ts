import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { builtAmd } from './amd';
import { launchChromium } from './browser';
import { startDemoStack, type DemoStack } from './demo-stack';
import { fixtureDir } from './fixtures';

/** What an end-to-end test file works with: the demo stack, a Chromium, and a folder for its videos. */
export interface E2eSession {
  env: DemoStack;
  browser: Browser;
  dir: string;
  /** Ends all three; safe to call after a failed start. */
  close(): Promise<void>;
}

/**
 * A test file's setup, written once: the AMD build checked to be current, a fixture folder, the
 * demo stack (`vars` for the worker) and Chromium. What was started is stopped again if a later
 * step fails, so a failed `before` leaves no workerd or Chromium behind.
 */
export async function openSession(vars: Record<string, string> = {}): Promise<E2eSession> {
  builtAmd();
  const dir = fixtureDir();
  let env: DemoStack | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await env?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    env = await startDemoStack(vars);
    browser = await launchChromium();
  } catch (err) {
    await close();
    throw err;
  }
  return { env, browser, dir, close };
}
