import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isAbort } from './edge-client';

export type LoadState<T> =
  | { status: 'idle' }
  | { status: 'loading'; previous: T | null }
  | { status: 'done'; value: T }
  | { status: 'failed'; error: unknown };

/**
 * One piece of data fetched for rendering (stats, a page of videos, the
 * current video). A new load aborts the one in flight, and an answer that
 * arrives after it was superseded is dropped, so a slow old page of results
 * never overwrites the filter the admin chose since.
 */
export class LoadController<T> implements ReactiveController {
  state: LoadState<T> = { status: 'idle' };
  private run: AbortController | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.run?.abort();
    this.run = null;
  }

  get value(): T | null {
    if (this.state.status === 'done') return this.state.value;
    if (this.state.status === 'loading') return this.state.previous;
    return null;
  }

  async load(fetcher: (signal: AbortSignal) => Promise<T>): Promise<void> {
    this.run?.abort();
    const run = new AbortController();
    this.run = run;
    this.state = { status: 'loading', previous: this.value };
    this.host.requestUpdate();
    try {
      const value = await fetcher(run.signal);
      if (this.run !== run) return;
      this.state = { status: 'done', value };
    } catch (error) {
      if (this.run !== run || isAbort(error)) return;
      this.state = { status: 'failed', error };
    }
    this.run = null;
    this.host.requestUpdate();
  }
}
