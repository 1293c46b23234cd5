import { scriptBenchmark } from './script-module';

export default scriptBenchmark({ name: 'confirm-copy', file: 'bench/confirm-copy.ts', description: 'confirm\'s server-side copy vs the upload of the same file (BENCH_MIB, 1 GiB)', baseline: 'the upload of the same file' });
