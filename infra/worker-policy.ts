/**
 * The worker's least-privilege IAM policy: every action named with the call that needs it.
 * One definition for the CDK stack (infra/stack.ts), the README's hand-made policy (a test
 * checks they are equal) and the local Ceph RGW, where the tests run the worker's S3 user
 * under the same statements as a bucket policy (test/infra/rgw-policy.test.ts).
 *
 * Action ↔ call mapping: S3 User Guide, "Required permissions for Amazon S3 API operations";
 * CloudFront: "Actions, resources, and condition keys for Amazon CloudFront".
 */

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
}

/** Why each action is there: the calls that need it, in the edge (edge/src/services/s3.ts, cdn.ts) or the browser. */
export const WHY: Record<string, string> = {
  's3:PutObject':
    'browser presigned POST and multipart parts (presigned UploadPart), CreateMultipartUpload, CompleteMultipartUpload; CopyObject / UploadPartCopy destination',
  's3:GetObject': 'HeadObject (confirm, multipart complete retry); CopyObject source and the ranged GET that sniffs the container',
  's3:DeleteObject': 'DeleteObjects (admin, privacy and cleanup deletes), DeleteObject (the staging copy after confirm)',
  's3:ListMultipartUploadParts': 'ListParts (resume after a reload, checking parts before CompleteMultipartUpload)',
  's3:AbortMultipartUpload': 'AbortMultipartUpload (cancel, cleanup of idle uploads, a failed UploadPartCopy)',
  's3:ListBucket':
    'HeadObject of a missing key answers 404 instead of 403 only with it (S3 API reference, HeadObject), so "not uploaded yet" is not reported as a storage failure; HeadBucket in /api/admin/health',
  's3:GetBucketVersioning': 'GET /api/admin/health refuses a versioned bucket (deletes would only add delete markers)',
  'cloudfront:CreateInvalidation': 'admin and privacy deletes remove cached copies',
};

/**
 * Object actions per prefix. `uploads/` is the staging area every grant the browser holds
 * writes to; `videos/` holds confirmed, immutable videos, written only by the worker's
 * server-side copy (CopyObject, or UploadPartCopy — whose multipart upload is aborted if the
 * copy fails) and read by HeadObject, the export link and CloudFront's OAC. No multipart
 * upload is ever listed under `videos/`, so s3:ListMultipartUploadParts stays on `uploads/`.
 */
const OBJECT_ACTIONS = {
  uploads: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
  videos: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
} as const;

const BUCKET_ACTIONS = ['s3:ListBucket', 's3:GetBucketVersioning'];

/**
 * The statements for one bucket and one distribution. `bucketArn` is `arn:aws:s3:::NAME`
 * (or a CloudFormation token), `distributionArn` `arn:aws:cloudfront::ACCOUNT:distribution/ID`.
 */
export function workerPolicyStatements(bucketArn: string, distributionArn: string): PolicyStatement[] {
  return [
    { Sid: 'StagingUploads', Effect: 'Allow', Action: [...OBJECT_ACTIONS.uploads], Resource: `${bucketArn}/uploads/*` },
    { Sid: 'Videos', Effect: 'Allow', Action: [...OBJECT_ACTIONS.videos], Resource: `${bucketArn}/videos/*` },
    { Sid: 'Bucket', Effect: 'Allow', Action: [...BUCKET_ACTIONS], Resource: bucketArn },
    { Sid: 'Invalidate', Effect: 'Allow', Action: ['cloudfront:CreateInvalidation'], Resource: distributionArn },
  ];
}

/** The policy document with the README's placeholders, as `aws iam put-user-policy` takes it. */
export function readmePolicyDocument(): { Version: '2012-10-17'; Statement: PolicyStatement[] } {
  return {
    Version: '2012-10-17',
    Statement: workerPolicyStatements('arn:aws:s3:::YOUR-BUCKET', 'arn:aws:cloudfront::ACCOUNT-ID:distribution/DISTRIBUTION-ID'),
  };
}
