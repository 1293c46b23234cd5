/**
 * Every Worker the page makes while installed, and which of them were
 * terminated: the code under test calls `new Worker(…)` at run time, so a
 * subclass put in `window.Worker` sees them all. `make` replaces the
 * construction itself (a browser that refuses workers).
 */
export interface WorkerSpy {
  made: Worker[];
  terminated: Set<Worker>;
  /** Messages posted to the workers, in order. */
  posted: unknown[];
  /** Workers made and not terminated. */
  live(): Worker[];
  restore(): void;
}

export function spyOnWorkers(make?: (url: string | URL, options?: WorkerOptions) => never): WorkerSpy {
  const Real = window.Worker;
  const spy: WorkerSpy = {
    made: [],
    terminated: new Set(),
    posted: [],
    live: () => spy.made.filter((w) => !spy.terminated.has(w)),
    restore: () => {
      window.Worker = Real;
    },
  };
  class SpyWorker extends Real {
    constructor(url: string | URL, options?: WorkerOptions) {
      if (make) make(url, options);
      super(url, options);
      spy.made.push(this);
    }
    override terminate(): void {
      spy.terminated.add(this);
      super.terminate();
    }
    override postMessage(message: unknown, transfer?: Transferable[] | StructuredSerializeOptions): void {
      spy.posted.push(message);
      super.postMessage(message, transfer as Transferable[]);
    }
  }
  window.Worker = SpyWorker;
  return spy;
}
