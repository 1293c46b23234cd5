// Runs a command while every core is kept busy, to prove a suite does not depend on an idle
// machine: `node scripts/under-load.mjs [--runs N] -- npm test`. The load is bounded: one
// busy-looping worker thread per core (os.availableParallelism), ended when the command ends
// or after --max-minutes (default 30), whichever comes first. Exits with the first failing
// run's code, else 0; prints one line per run.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const args = process.argv.slice(2);
const split = args.indexOf('--');
if (split < 0 || split === args.length - 1) {
  console.error('usage: node scripts/under-load.mjs [--runs N] [--max-minutes M] -- command [args…]');
  process.exit(2);
}
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i < split ? Number(args[i + 1]) : fallback;
};
const runs = option('--runs', 1);
const maxMinutes = option('--max-minutes', 30);
const [command, ...commandArgs] = args.slice(split + 1);

const cores = availableParallelism();
// Each worker spins until told to stop; the deadline is a backstop should the parent hang.
const spin = `
  const { workerData } = require('node:worker_threads');
  let x = 0;
  while (Date.now() < workerData.until) { for (let i = 0; i < 1e6; i++) x += i; }
`;
const until = Date.now() + maxMinutes * 60_000;
const workers = Array.from({ length: cores }, () => new Worker(spin, { eval: true, workerData: { until } }));
console.log(`under-load: ${cores} busy threads, for at most ${maxMinutes} min`);

let failed = 0;
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', shell: false });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const code = result.status ?? 1;
  console.log(`under-load: run ${run}/${runs} ${code === 0 ? 'passed' : `failed (exit ${code})`} in ${seconds} s`);
  if (code !== 0 && failed === 0) failed = code;
}
await Promise.all(workers.map((w) => w.terminate()));
process.exit(failed);
