import { scriptBenchmark } from './script-module';

export default scriptBenchmark({ name: 'transfer', file: 'bench/transfer.ts', description: 'byte paths vs plain S3, curl', baseline: 'PUT / GET straight to S3' });
