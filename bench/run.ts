/**
 * `npm run bench`: every benchmark module in one go (bench/README.md), in the order below, and
 * bench/results.json with all their rows and the machine they ran on. `npm run bench -- a b`
 * runs only the named modules (by their `name`). Run through local/s3/with-local-s3.sh, after
 * `build:worker`, by the npm script.
 */
import { writeFileSync } from 'node:fs';
import { cpus, freemem, release, totalmem } from 'node:os';
import type { Benchmark, BenchResult } from './module';

/** Module files; i10-pages' and later benchmarks are added here. */
const MODULES = [
  './edge-throughput.ts',
  './edge-cpu.ts',
  './edge-latency.module.ts',
  './transfer.module.ts',
  './confirm-copy.module.ts',
  './hash.module.ts',
  './cleanup-scale.ts',
  './browser-pages.module.ts',
];

const only = process.argv.slice(2);
const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  memory_gib: +(totalmem() / 1024 ** 3).toFixed(1),
  free_gib: +(freemem() / 1024 ** 3).toFixed(1),
  kernel: release(),
  node: process.version,
  note: 'shared machine: other work may run at the same time; every figure is a ratio to a baseline measured in the same run',
};
const results: Record<string, { description?: string; seconds: number; rows: BenchResult[] } | { error: string }> = {};
const out = new URL('./results.json', import.meta.url).pathname;
for (const file of MODULES) {
  const bench = ((await import(file)) as { default: Benchmark }).default;
  if (only.length && !only.includes(bench.name)) continue;
  console.log(`\n== ${bench.name}: ${bench.description ?? ''}`);
  const t = performance.now();
  try {
    const rows = await bench.run();
    results[bench.name] = { description: bench.description, seconds: +((performance.now() - t) / 1000).toFixed(1), rows };
    for (const r of rows) {
      const v = r.value === undefined ? '' : `${+r.value.toFixed(2)} ${r.unit}`;
      console.log(`${r.metric.padEnd(52)} ${v.padEnd(18)} ${r.baseline ? `${r.ratio.toFixed(2)}× ${r.baseline} (${r.spread[0].toFixed(2)}–${r.spread[1].toFixed(2)}, n=${r.repetitions})` : ''}`);
    }
  } catch (err) {
    results[bench.name] = { error: err instanceof Error ? err.stack ?? err.message : String(err) };
    console.error(`${bench.name} failed:`, err);
  }
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`);
}
console.log(`\nwrote ${out}`);
