import { playbackCorsConfig } from '../../infra/playback-cors.js';
import { startCdn } from './server.js';

/** `tsx local/cdn/main.ts`: the CloudFront stand-in, configured from the same env as the rest of the local stack. */

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`cdn: ${name} is not set`);
    process.exit(1);
  }
  return value;
}

const port = Number(process.env.CDN_PORT || 8788);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`cdn: CDN_PORT=${process.env.CDN_PORT} is not a port number`);
  process.exit(1);
}

const cdn = await startCdn({
  port,
  distributionId: required('CDN_DISTRIBUTION_ID'),
  // The Moodle origins the response headers policy allows: the worker's own ALLOWED_ORIGINS.
  cors: playbackCorsConfig(required('ALLOWED_ORIGINS').split(',').map((o) => o.trim())),
  invalidationMs: Number(process.env.CDN_INVALIDATION_SECONDS || 0) * 1000,
  // A PEM squeezed onto one line of a .env file arrives with literal \n.
  keys: { [required('CLOUDFRONT_KEY_PAIR_ID')]: required('CLOUDFRONT_PUBLIC_KEY').replace(/\\n/g, '\n') },
  s3: {
    endpoint: required('S3_ENDPOINT'),
    region: required('S3_REGION'),
    bucket: required('S3_BUCKET'),
    accessKeyId: required('AWS_ACCESS_KEY_ID'),
    secretAccessKey: required('AWS_SECRET_ACCESS_KEY'),
  },
});
console.log(`cdn: listening on ${cdn.url}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    cdn.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('cdn: close failed', err);
        process.exit(1);
      },
    );
  });
}
