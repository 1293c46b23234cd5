import { scriptBenchmark } from './script-module';

export default scriptBenchmark({ name: 'edge-latency', file: 'bench/edge-latency.ts', description: 'per-request latency, sequential, vs ping', baseline: 'ping p50' });
