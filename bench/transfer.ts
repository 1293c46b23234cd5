/**
 * `npm run bench:transfer`: the cost of the product's byte paths against the
 * plain S3 operation in the same run, both driven by curl (Node's fetch is
 * itself a bottleneck on loopback; see shared NOTES):
 *   upload   — the browser's presigned POST (multipart/form-data, policy
 *              checked by S3)  vs  a presigned PUT of the same file;
 *   download — a ranged-free GET through the CloudFront stand-in (signature
 *              check + proxying)  vs  a presigned GET straight from S3.
 * Prints MiB/s and the ratio; each figure is the median of the runs.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PlaybackUrlResponse, UploadUrlResponse } from '../edge/src/contract';
import { finalKey, md5Hex, startStack } from '../test/support/stack';
import { token } from '../test/support/tokens';
import { percentile, row } from './stats';

const MIB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_MIB ?? 256) * MIB;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

// Asynchronous: the CDN stand-in answering curl lives in this very process.
async function curlSeconds(args: string[]): Promise<number> {
  const { stdout } = await promisify(execFile)('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', ...args]);
  const [status, seconds] = stdout.trim().split(' ');
  if (!/^2\d\d$/.test(status!)) throw new Error(`curl got HTTP ${status}`);
  return Number(seconds);
}

const dir = mkdtempSync(join(tmpdir(), 's3v-bench-'));
const file = join(dir, 'video.mp4');
const content = randomBytes(SIZE);
writeFileSync(file, content);
const md5 = md5Hex(content);
const stack = await startStack({ RATE_LIMIT_UPLOADS_PER_HOUR: '100000', RATE_LIMIT_PLAYBACKS_PER_HOUR: '100000' });
try {
  const upload = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 1 });
  const view = await token(stack.secrets.sharedSecret, { scope: 'view', submissionid: 1 });
  const results: Record<string, number[]> = { 'PUT (baseline)': [], 'presigned POST': [], 'GET S3 (baseline)': [], 'GET via CDN': [] };

  for (let run = 0; run < RUNS; run++) {
    const putKey = `bench/${run}-${Date.now()}.mp4`;
    const putUrl = await getSignedUrl(stack.s3client, new PutObjectCommand({ Bucket: stack.s3.bucket, Key: putKey, ContentType: 'video/mp4' }), { expiresIn: 600 });
    results['PUT (baseline)']!.push(await curlSeconds(['-H', 'Content-Type: video/mp4', '-T', file, putUrl]));

    const res = await stack.edge.fetch('/api/upload-url', {
      token: upload,
      body: { assignmentid: 10, submissionid: 1, filename: 'video.mp4', filesize: SIZE, mimetype: 'video/mp4' },
    });
    const presign = (await res.json()) as UploadUrlResponse;
    const form = Object.entries(presign.fields).flatMap(([k, v]) => ['-F', `${k}=${v}`]);
    results['presigned POST']!.push(await curlSeconds([...form, '-F', `file=@${file};type=video/mp4`, presign.presigned_url]));
    const confirm = await stack.edge.fetch('/api/confirm-upload', { token: upload, body: { assignmentid: 10, submissionid: 1, s3_key: presign.s3_key, filesize: SIZE, md5 } });
    if (confirm.status !== 200) throw new Error(`confirm ${confirm.status}`);

    const getUrl = await getSignedUrl(stack.s3client, new GetObjectCommand({ Bucket: stack.s3.bucket, Key: finalKey(presign.s3_key) }), { expiresIn: 600 });
    results['GET S3 (baseline)']!.push(await curlSeconds([getUrl]));
    const play = (await (await stack.edge.fetch('/api/playback-url?submissionid=1', { token: view })).json()) as PlaybackUrlResponse;
    results['GET via CDN']!.push(await curlSeconds([play.signed_url]));
  }

  const rate = (name: string) => SIZE / MIB / percentile(results[name]!, 50);
  const widths = [20, 10, 12];
  console.log(`transfer of a ${SIZE / MIB} MiB file, median of ${RUNS} runs (curl, loopback, Ceph RGW)`);
  console.log(row(['path', 'MiB/s', 'vs baseline'], widths));
  for (const [name, base] of [['PUT (baseline)', 'PUT (baseline)'], ['presigned POST', 'PUT (baseline)'], ['GET S3 (baseline)', 'GET S3 (baseline)'], ['GET via CDN', 'GET S3 (baseline)']] as const) {
    console.log(row([name, rate(name).toFixed(1), `${(rate(name) / rate(base)).toFixed(2)}×`], widths));
  }
} finally {
  await stack.close();
  rmSync(dir, { recursive: true, force: true });
}
