/**
 * `npm run bench:edge`: what each edge endpoint costs inside workerd with
 * local D1/KV and the local S3, as a ratio to GET /api/ping measured in the
 * same run (token check + JSON, no storage). Sequential requests from one
 * client, so the figures are per-request latency, not throughput.
 */
import type { UploadUrlResponse } from '../edge/src/contract';
import { postToS3, startStack, md5Hex } from '../test/support/stack';
import { token } from '../test/support/tokens';
import { percentile, row, time } from './stats';

const N = Number(process.env.BENCH_N ?? 200);

const stack = await startStack({
  RATE_LIMIT_UPLOADS_PER_HOUR: '100000',
  RATE_LIMIT_PLAYBACKS_PER_HOUR: '100000',
});
try {
  const secret = stack.secrets.sharedSecret;
  const admin = await token(secret, { scope: 'admin' });
  const upload = await token(secret, { scope: 'upload', submissionid: 1 });
  const view = await token(secret, { scope: 'view', submissionid: 1 });
  const body = { assignmentid: 10, submissionid: 1, filename: 'clip.mp4', filesize: 1024, mimetype: 'video/mp4' };

  const samples: Record<string, number[]> = { ping: [], 'upload-url': [], 'confirm-upload': [], 'playback-url': [] };
  // Warm the isolate and the SDK clients before measuring anything.
  for (let i = 0; i < 20; i++) await stack.edge.fetch('/api/ping', { token: admin });

  const keys: string[] = [];
  for (let i = 0; i < N; i++) {
    samples.ping!.push(await time(async () => (await stack.edge.fetch('/api/ping', { token: admin })).arrayBuffer()));
    let presign: UploadUrlResponse | undefined;
    samples['upload-url']!.push(await time(async () => {
      presign = (await (await stack.edge.fetch('/api/upload-url', { token: upload, body })).json()) as UploadUrlResponse;
    }));
    await postToS3(presign!.presigned_url, presign!.fields, new Uint8Array(1024));
    keys.push(presign!.s3_key);
  }
  for (const key of keys) {
    samples['confirm-upload']!.push(await time(async () => {
      const res = await stack.edge.fetch('/api/confirm-upload', { token: upload, body: { assignmentid: 10, submissionid: 1, s3_key: key, filesize: 1024, md5: md5Hex(new Uint8Array(1024)) } });
      if (res.status !== 200) throw new Error(`confirm ${res.status}`);
      await res.arrayBuffer();
    }));
    samples['playback-url']!.push(await time(async () => {
      const res = await stack.edge.fetch('/api/playback-url?submissionid=1', { token: view });
      if (res.status !== 200) throw new Error(`playback ${res.status}`);
      await res.arrayBuffer();
    }));
  }

  const base = percentile(samples.ping!, 50);
  const widths = [16, 10, 10, 14];
  console.log(`edge latency, ${N} sequential requests each (workerd + local D1/KV + Ceph RGW)`);
  console.log(row(['endpoint', 'p50 ms', 'p95 ms', 'p50 / ping'], widths));
  for (const [name, s] of Object.entries(samples)) {
    console.log(row([name, percentile(s, 50).toFixed(2), percentile(s, 95).toFixed(2), `${(percentile(s, 50) / base).toFixed(2)}×`], widths));
  }
} finally {
  await stack.close();
}
