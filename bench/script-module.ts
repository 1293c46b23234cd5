/**
 * The older one-file benchmarks (edge-latency, transfer, confirm-copy, hash) as modules: each is
 * run as its own process, its table printed as it comes, and every table row whose last column
 * is a ratio ("2.73×" or "12.5 %") kept as a row. They print medians, not their spread, so the
 * spread kept is [ratio, ratio] and `extra.cells` holds the whole printed row.
 */
import { spawn } from 'node:child_process';
import type { Benchmark, BenchResult } from './module';

const ROOT = new URL('../', import.meta.url).pathname;

export function scriptBenchmark(o: { name: string; file: string; description: string; baseline: string; env?: Record<string, string> }): Benchmark {
  return {
    name: o.name,
    description: o.description,
    async run() {
      const child = spawn(process.execPath, ['--import', 'tsx', o.file], { cwd: ROOT, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        process.stdout.write(d);
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      if (code !== 0) throw new Error(`${o.file} exited with ${code}`);
      const runs = Number(o.env?.BENCH_RUNS ?? process.env.BENCH_RUNS ?? 3);
      const rows: BenchResult[] = [];
      for (const line of text.split('\n')) {
        const cells = line.trim().split(/\s{2,}/);
        const last = cells.at(-1) ?? '';
        const m = /^(-?[\d.]+)\s*(×|%)$/.exec(last);
        if (!m || cells.length < 2) continue;
        const ratio = m[2] === '%' ? Number(m[1]) / 100 : Number(m[1]);
        rows.push({ metric: cells[0]!, baseline: o.baseline, ratio, spread: [ratio, ratio], unit: 'see extra.cells', repetitions: runs, extra: { cells } });
      }
      return rows;
    },
  };
}
