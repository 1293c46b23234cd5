import { scriptBenchmark } from './script-module';

export default scriptBenchmark({ name: 'hash', file: 'bench/hash.ts', description: 'MD5 in Chromium vs the PUT it rides on', baseline: 'PUT alone' });
