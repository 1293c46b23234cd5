/**
 * The one interface every benchmark module offers `npm run bench` (bench/run.ts).
 *
 * A module is a file in bench/ that `export default`s a {@link Benchmark}; bench/run.ts imports
 * each listed module in turn, calls `run()` once, prints its rows and writes them all to
 * bench/results.json. A module never asserts: it measures and reports. It starts what it needs
 * (a stack from test/support/stack.ts, Chromium, …) and stops it before `run()` resolves.
 *
 * Every row is a ratio against a baseline measured IN THE SAME RUN, interleaved with the
 * measured thing and repeated, because these machines are shared and noisy.
 */
export interface BenchResult {
  /** What was measured, e.g. "playback-url RPS @50 conns". */
  metric: string;
  /** What it is compared with, measured in the same run, e.g. "ping RPS @50 conns". */
  baseline: string;
  /** Median over repetitions of (metric ÷ baseline) — or of the metric itself if `baseline` is "" (absolute figure). */
  ratio: number;
  /** The spread of that ratio over the repetitions: [min, max]. */
  spread: [number, number];
  /** The unit of `value`/`baselineValue` ("req/s", "ms", "MiB/s", "videos/s", …); ratio is unitless. */
  unit: string;
  /** How many interleaved repetitions the median is over (≥ 3 unless the module says why). */
  repetitions: number;
  /** Median of the metric itself, in `unit` (optional but usual). */
  value?: number;
  /** Median of the baseline, in `unit`. */
  baselineValue?: number;
  /** Anything else worth keeping (limits checked, sizes, …); small and JSON-serialisable. */
  extra?: Record<string, unknown>;
}

export interface Benchmark {
  /** Short, unique, kebab-case: "edge-throughput", "teacher-ttff", … (the key in results.json). */
  name: string;
  /** One line for the runner's listing. */
  description?: string;
  /** Measures everything, cleans up after itself, and resolves with its rows. */
  run(): Promise<BenchResult[]>;
}

/** Median and [min, max] of samples (ratios or figures). */
export function summarise(samples: number[]): { median: number; spread: [number, number] } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, spread: [sorted[0]!, sorted[sorted.length - 1]!] };
}

/**
 * One row from paired samples: `metric[i]` and `baseline[i]` were measured in the same
 * repetition i, so the ratio is taken per repetition, then summarised.
 */
export function pairedRow(o: { metric: string; baseline: string; unit: string; values: number[]; baselines: number[]; extra?: Record<string, unknown> }): BenchResult {
  const ratios = o.values.map((v, i) => v / o.baselines[i]!);
  const r = summarise(ratios);
  return {
    metric: o.metric,
    baseline: o.baseline,
    ratio: r.median,
    spread: r.spread,
    unit: o.unit,
    repetitions: o.values.length,
    value: summarise(o.values).median,
    baselineValue: summarise(o.baselines).median,
    ...(o.extra ? { extra: o.extra } : {}),
  };
}
