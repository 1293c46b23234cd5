import { workerPolicyStatements } from '../../infra/worker-policy.js';

/**
 * The worker's IAM policy (infra/worker-policy.ts) as a bucket policy for a Ceph RGW user:
 * RGW has no IAM users with attached policies in this setup, but evaluates bucket policies
 * naming a user as principal (`arn:aws:iam:::user/UID`) with S3's action names. The
 * CloudFront statement has no S3 equivalent and is left out.
 */
export function rgwWorkerBucketPolicy(bucket: string, uid: string): string {
  const statements = workerPolicyStatements(`arn:aws:s3:::${bucket}`, 'arn:aws:cloudfront::local:distribution/none')
    .filter((s) => s.Action.every((a) => a.startsWith('s3:')))
    .map((s) => ({ ...s, Principal: { AWS: [`arn:aws:iam:::user/${uid}`] } }));
  // Ceph RGW 16 checks DeleteObjects (POST ?delete) against the bucket's ARN before it checks
  // each key's; on AWS s3:DeleteObject on a bucket ARN matches no object and grants nothing.
  statements.push({
    Sid: 'RgwMultiObjectDelete',
    Effect: 'Allow',
    Action: ['s3:DeleteObject'],
    Resource: `arn:aws:s3:::${bucket}`,
    Principal: { AWS: [`arn:aws:iam:::user/${uid}`] },
  });
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}
