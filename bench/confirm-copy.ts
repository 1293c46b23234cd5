/**
 * `npm run bench:confirm-copy`: what confirm's server-side copy (staging → final key) costs,
 * as the ratio of confirm's time to the upload time of the same file, in the same run:
 *   upload  — the browser's presigned POST of the file, driven by curl;
 *   confirm — HeadObject + checksum check + copy + record, through the edge;
 * for both copy strategies, interleaved and repeated: one CopyObject, and a multipart copy
 * (UploadPartCopy, 512 MiB parts, 4 at a time). Sizes: BENCH_MIB (default 1024), runs:
 * BENCH_RUNS (default 3). Prints medians and ratios. The local S3 needs about 3 × BENCH_MIB
 * free (the upload, its copy, and Ceph's deferred garbage collection of what was deleted).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { UploadUrlResponse } from '../edge/src/contract';
import { startStack, type Stack } from '../test/support/stack';
import { token } from '../test/support/tokens';
import { percentile, row, time } from './stats';
import { videoBytes } from '../test/support/video-bytes';

const MIB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_MIB ?? 1024) * MIB;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function curlSeconds(args: string[]): Promise<number> {
  const { stdout } = await promisify(execFile)('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', ...args]);
  const [status, seconds] = stdout.trim().split(' ');
  if (!/^2\d\d$/.test(status!)) throw new Error(`curl got HTTP ${status}`);
  return Number(seconds);
}

const dir = mkdtempSync(join(tmpdir(), 's3v-bench-'));
const file = join(dir, 'video.mp4');
const content = videoBytes(SIZE);
writeFileSync(file, content);
const md5 = createHash('md5').update(content).digest('hex');

const unlimited = { RATE_LIMIT_UPLOADS_PER_HOUR: '100000' };
const stacks: Record<string, Stack> = {
  CopyObject: await startStack({ ...unlimited, S3_COPY_MULTIPART_ABOVE_BYTES: String(5 * 1024 * MIB) }),
  'UploadPartCopy ×512 MiB': await startStack({ ...unlimited, S3_COPY_MULTIPART_ABOVE_BYTES: '0', S3_COPY_PART_BYTES: String(512 * MIB) }),
};
try {
  const samples: Record<string, { upload: number[]; confirm: number[]; ratio: number[] }> = {};
  for (let run = 0; run < RUNS; run++) {
    for (const [name, stack] of Object.entries(stacks)) {
      const s = (samples[name] ??= { upload: [], confirm: [], ratio: [] });
      const upload = await token(stack.secrets.sharedSecret, { scope: 'upload', submissionid: 1 + run });
      const ids = { assignmentid: 10, submissionid: 1 + run };
      const res = await stack.edge.fetch('/api/upload-url', { token: upload, body: { ...ids, filename: 'video.mp4', filesize: SIZE, mimetype: 'video/mp4' } });
      if (res.status !== 201) throw new Error(`upload-url ${res.status} ${await res.text()}`);
      const presign = (await res.json()) as UploadUrlResponse;
      const form = Object.entries(presign.fields).flatMap(([k, v]) => ['-F', `${k}=${v}`]);
      const up = await curlSeconds([...form, '-F', `file=@${file};type=video/mp4`, presign.presigned_url]);
      const ms = await time(async () => {
        const confirm = await stack.edge.fetch('/api/confirm-upload', { token: upload, body: { ...ids, s3_key: presign.s3_key, filesize: SIZE, md5 } });
        if (confirm.status !== 200) throw new Error(`confirm ${confirm.status} ${await confirm.text()}`);
      });
      // Free the space at once (final key deleted; staging already deleted by confirm): a local
      // S3 on a small disk must not hold RUNS × 2 copies of the file.
      const admin = await token(stack.secrets.sharedSecret, { scope: 'admin', sub: '2', role: 'admin' });
      const video = (await stack.edge.db.prepare('SELECT id FROM videos WHERE submissionid = ?').bind(ids.submissionid).first<{ id: number }>())!;
      await stack.edge.fetch(`/api/admin/videos/${video.id}`, { method: 'DELETE', token: admin });
      s.upload.push(up);
      s.confirm.push(ms / 1000);
      s.ratio.push(ms / 1000 / up);
    }
  }
  const widths = [26, 12, 12, 14];
  console.log(`confirm's copy of a ${SIZE / MIB} MiB file vs its upload, median of ${RUNS} interleaved runs (curl POST, loopback, Ceph RGW)`);
  console.log(row(['copy', 'upload s', 'confirm s', 'confirm/upload'], widths));
  for (const [name, s] of Object.entries(samples)) {
    console.log(row([name, percentile(s.upload, 50).toFixed(2), percentile(s.confirm, 50).toFixed(2), `${(percentile(s.ratio, 50) * 100).toFixed(1)} %`], widths));
  }
} finally {
  for (const stack of Object.values(stacks)) await stack.close();
  rmSync(dir, { recursive: true, force: true });
}
