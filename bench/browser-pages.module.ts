/**
 * The browser benchmarks of issue 10 §2–§3 for `npm run bench` (bench/run.ts): the teacher's
 * navigation → first frame (against the build of BENCH_BASELINE_REF, default `main`, served on
 * the same stack, interleaved), seeking by keyframe spacing, and the browser upload against
 * plain clients. The AMD build is made first: the runner builds only the worker.
 */
import { execSync } from 'node:child_process';
import type { Benchmark, BenchResult } from './module';
import type { Spread } from './pages';

const ROOT = new URL('../', import.meta.url).pathname;

/** A row from a median (min–max) the benchmark already took over its repetitions. */
function row(metric: string, baseline: string, s: Spread, unit: string, value?: Spread, extra?: Record<string, unknown>): BenchResult {
  return { metric, baseline, ratio: s.median, spread: [s.min, s.max], unit, repetitions: s.n, ...(value ? { value: value.median } : {}), ...(extra ? { extra } : {}) };
}

const bench: Benchmark = {
  name: 'browser-pages',
  description: 'teacher first frame (vs the baseline build), seek by GOP and moov position, browser upload vs node multipart / curl PUT / a reference page',
  async run() {
    execSync('node scripts/build-amd.mjs', { cwd: ROOT, stdio: 'inherit' });
    process.env.BENCH_BASELINE_REF ??= 'main';
    const rows: BenchResult[] = [];

    const { firstFrame, report } = await import('./teacher-first-frame');
    const ff = await firstFrame();
    report(ff);
    rows.push(row('teacher: navigation → first frame', '', ff.after.frame, 'ms', ff.after.frame));
    if (ff.ratio && ff.before) rows.push(row('teacher first frame', `the same with ${process.env.BENCH_BASELINE_REF}'s build`, ff.ratio, 'ms', ff.after.frame, { before_ms: ff.before.frame.median }));

    const { seekBench } = await import('./seek');
    for (const [variant, s] of Object.entries(await seekBench())) {
      rows.push(row(`seek to the middle, worst case: ${variant}`, 'GOP 1 s, faststart', s.worst_vs_gop1_faststart!, 'ms', s.seek_worst_ms));
    }

    const { uploadBench } = await import('./upload-page');
    const up = await uploadBench();
    const c = up.clients;
    const extra = { size_mib: up.size_mib, part_mib: up.part_mib, parallel: up.parallel };
    rows.push(row('uploader MiB/s (to success)', 'node multipart MiB/s', c.uploader!.vs_node_multipart!, 'MiB/s', c.uploader!.mibps, extra));
    if (c.uploader!.transfer_vs_node_multipart) rows.push(row('uploader MiB/s (transfer, until "processing")', 'node multipart MiB/s', c.uploader!.transfer_vs_node_multipart, 'MiB/s', c.uploader!.transfer_mibps, extra));
    rows.push(row('uploader MiB/s (to success)', 'curl PUT MiB/s', c.uploader!.vs_curl_put!, 'MiB/s', c.uploader!.mibps, extra));
    rows.push(row('uploader page CPU s', 'reference page CPU s (no MD5)', c.uploader!.cpu_vs_reference!, 's', c.uploader!.cpu_s, extra));
    rows.push(row('uploader page CPU s', 'reference page + MD5 CPU s', c.uploader!.cpu_vs_reference_md5!, 's', c.uploader!.cpu_s, extra));
    if (c.uploader!.cpu_vs_baseline_build) rows.push(row('uploader page CPU s', `${process.env.BENCH_BASELINE_REF}'s uploader page CPU s`, c.uploader!.cpu_vs_baseline_build, 's', c.uploader!.cpu_s, extra));
    rows.push(row('uploader JS heap peak MiB', '', c.uploader!.heap_peak_mib!, 'MiB', c.uploader!.heap_peak_mib));
    return rows;
  },
};
export default bench;

