import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { bucketCorsRules } from './bucket-cors';
import { playbackCorsConfig } from './playback-cors';
import { workerPolicyStatements } from './worker-policy';

/**
 * The AWS side of s3video as one stack: the private bucket, CloudFront with Origin Access
 * Control and a trusted key group, and the worker's IAM user with exactly the policy of
 * infra/worker-policy.ts. Every setting is the one README "Setting up AWS" explains.
 */
export interface S3VideoStackProps extends StackProps {
  /** Moodle origins (scheme://host[:port]) that upload to the bucket and play through CloudFront. */
  moodleOrigins: string[];
  /** The public half of the playback signing key, PEM (`openssl rsa -pubout`). */
  publicKeyPem: string;
  /** Must equal the worker's MULTIPART_ABORT_AFTER_DAYS: S3 aborts incomplete multipart uploads this long after they start. */
  multipartAbortAfterDays?: number;
  /** Staging copies under uploads/ the worker did not remove (a crash between copy and delete) expire after this many days. */
  stagingExpireDays?: number;
  /** Off when PLAYBACK_IP_RESTRICT is on: CloudFront's IP conditions match IPv4 only. */
  enableIpv6?: boolean;
}

/**
 * The only query string that reaches S3 (and the only one in the cache key): a download URL's
 * `response-content-disposition`, which S3 honours on an authenticated request (OAC signs it)
 * and answers as `Content-Disposition`. In the cache key, because a download's attachment
 * answer must never be served to the player (nor the reverse); values in the cache key are
 * forwarded to the origin without an origin request policy naming them (CloudFront Developer
 * Guide, "Control the cache key with a policy": "included in the cache key ... automatically
 * included in requests that CloudFront sends to the origin"). The viewer's signing parameters
 * never go: with OAC, S3 refuses a request carrying a second authentication.
 */
export const ORIGIN_QUERY_STRINGS = ['response-content-disposition'] as const;

export const DEFAULT_MULTIPART_ABORT_AFTER_DAYS = 7;
export const DEFAULT_STAGING_EXPIRE_DAYS = 7;

export class S3VideoStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly workerUser: iam.User;

  constructor(scope: Construct, id: string, props: S3VideoStackProps) {
    super(scope, id, props);
    const abortDays = props.multipartAbortAfterDays ?? DEFAULT_MULTIPART_ABORT_AFTER_DAYS;
    const stagingDays = props.stagingExpireDays ?? DEFAULT_STAGING_EXPIRE_DAYS;

    this.bucket = new s3.Bucket(this, 'Videos', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // SSE-S3: CloudFront's OAC and the worker read without KMS grants, and the ETag of a
      // single-part object stays the MD5 of its bytes (README, "Encryption").
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // A delete must remove the bytes; on a versioned bucket it would only add a delete marker.
      versioned: false,
      // ACLs off: every object belongs to the bucket owner, whoever wrote it (S3 User Guide, "Object Ownership").
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      // Only what the browser does (infra/bucket-cors.ts).
      cors: bucketCorsRules(props.moodleOrigins).map((rule) => ({
        allowedOrigins: rule.AllowedOrigins,
        allowedMethods: rule.AllowedMethods as s3.HttpMethods[],
        allowedHeaders: rule.AllowedHeaders,
        exposedHeaders: rule.ExposeHeaders,
        maxAge: rule.MaxAgeSeconds,
      })),
      lifecycleRules: [
        // Counted from the upload's start (S3 User Guide, "Configuring a bucket lifecycle
        // configuration to delete incomplete multipart uploads"); the worker never promises a
        // resume past it (MULTIPART_ABORT_AFTER_DAYS).
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(abortDays) },
        // Browser uploads land in uploads/ and are copied to videos/ at confirm; what is left there is abandoned.
        { id: 'expire-staging', prefix: 'uploads/', expiration: Duration.days(stagingDays) },
        // A safety net should versioning ever be switched on: old versions and lone delete markers go.
        { id: 'noncurrent-versions', noncurrentVersionExpiration: Duration.days(1), expiredObjectDeleteMarker: true },
      ],
    });

    const publicKey = new cloudfront.PublicKey(this, 'PlaybackKey', {
      encodedKey: props.publicKeyPem,
      comment: 's3video playback URL signing (the worker holds the private key)',
    });
    const keyGroup = new cloudfront.KeyGroup(this, 'PlaybackKeyGroup', { items: [publicKey] });

    // Almost nothing of the viewer request is in the cache key: a signed URL's query string differs
    // per viewer and per renewal, and keys are never reused, so the path names the bytes; only a
    // download's response-content-disposition (ORIGIN_QUERY_STRINGS) is added, and forwarded.
    const cachePolicy = new cloudfront.CachePolicy(this, 'VideoCache', {
      comment: 's3video: path and response-content-disposition only in the cache key',
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.allowList(...ORIGIN_QUERY_STRINGS),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      defaultTtl: Duration.days(1),
      minTtl: Duration.seconds(1),
      maxTtl: Duration.days(365),
      // Video is already compressed.
      enableAcceptEncodingGzip: false,
      enableAcceptEncodingBrotli: false,
    });
    // No query string beyond the cache key's reaches S3: with OAC, S3 refuses a request carrying
    // a second authentication (the viewer's Signature/Policy parameters) besides CloudFront's
    // SigV4. Only the CORS request headers go, so S3 can answer preflights.
    const originRequestPolicy = new cloudfront.OriginRequestPolicy(this, 'VideoOriginRequest', {
      comment: 's3video: CORS headers only, no further query strings or cookies (like the managed CORS-S3Origin)',
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.none(),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(
        'Origin',
        'Access-Control-Request-Method',
        'Access-Control-Request-Headers',
      ),
    });
    const cors = playbackCorsConfig(props.moodleOrigins);
    const responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'PlaybackCors', {
      comment: "s3video: the player's cross-origin Range probe from Moodle",
      corsBehavior: {
        accessControlAllowCredentials: cors.AccessControlAllowCredentials,
        accessControlAllowHeaders: cors.AccessControlAllowHeaders.Items,
        accessControlAllowMethods: cors.AccessControlAllowMethods.Items,
        accessControlAllowOrigins: cors.AccessControlAllowOrigins.Items,
        accessControlExposeHeaders: cors.AccessControlExposeHeaders.Items,
        accessControlMaxAge: Duration.seconds(cors.AccessControlMaxAgeSec),
        originOverride: cors.OriginOverride,
      },
    });

    const originAccessControl = new cloudfront.S3OriginAccessControl(this, 'VideoOac', {
      signing: cloudfront.Signing.SIGV4_ALWAYS,
    });
    this.distribution = new cloudfront.Distribution(this, 'Playback', {
      comment: 's3video playback',
      defaultBehavior: {
        // OAC is attached below, with a bucket policy narrower than CDK's default grant on bucket/*.
        origin: origins.S3BucketOrigin.withBucketDefaults(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
        cachePolicy,
        originRequestPolicy,
        responseHeadersPolicy,
        trustedKeyGroups: [keyGroup],
        compress: false,
      },
      enableIpv6: props.enableIpv6 ?? false,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });

    const distributionArn = `arn:${this.partition}:cloudfront::${this.account}:distribution/${this.distribution.distributionId}`;
    // Origin Access Control, always signing: S3 serves CloudFront only, and CloudFront only
    // what playback reads (videos/*, never the staging uploads/), only for this distribution
    // (CloudFront Developer Guide, "Restrict access to an Amazon S3 origin").
    const cfnDistribution = this.distribution.node.defaultChild as cloudfront.CfnDistribution;
    cfnDistribution.addPropertyOverride('DistributionConfig.Origins.0.OriginAccessControlId', originAccessControl.originAccessControlId);
    cfnDistribution.addPropertyOverride('DistributionConfig.Origins.0.S3OriginConfig.OriginAccessIdentity', '');
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudFrontReadsVideos',
        principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects('videos/*')],
        conditions: { StringEquals: { 'AWS:SourceArn': distributionArn } },
      }),
    );

    this.workerUser = new iam.User(this, 'WorkerUser');
    const policy = new iam.Policy(this, 'WorkerPolicy', {
      statements: workerPolicyStatements(this.bucket.bucketArn, distributionArn).map((s) =>
        iam.PolicyStatement.fromJson(s),
      ),
    });
    policy.attachToUser(this.workerUser);

    const out = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    out('S3Bucket', this.bucket.bucketName, 'wrangler.toml [vars] S3_BUCKET');
    out('S3Region', this.region, 'wrangler.toml [vars] S3_REGION');
    out('CloudFrontDomain', `https://${this.distribution.distributionDomainName}`, 'wrangler.toml [vars] CLOUDFRONT_DOMAIN');
    out('CloudFrontDistributionId', this.distribution.distributionId, 'wrangler.toml [vars] CLOUDFRONT_DISTRIBUTION_ID');
    out('CloudFrontKeyPairId', publicKey.publicKeyId, 'wrangler.toml [vars] CLOUDFRONT_KEY_PAIR_ID');
    out('MultipartAbortAfterDays', String(abortDays), 'wrangler.toml [vars] MULTIPART_ABORT_AFTER_DAYS');
    out('WorkerUserName', this.workerUser.userName, 'aws iam create-access-key --user-name <this> → AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY secrets');

    this.suppressJustified(policy);
  }

  /** cdk-nag AwsSolutions findings that are deliberate here, each acknowledged with its reason. */
  private suppressJustified(policy: iam.Policy): void {
    const acknowledge = (scope: Construct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
    acknowledge(
      this.bucket,
      'AwsSolutions-S1',
      'Server access logs are an operator choice (cost, a second bucket); the worker logs every upload, playback and deletion in D1.',
    );
    acknowledge(this.distribution, 'AwsSolutions-CFR1', 'Students and teachers watch from anywhere; access is gated by signed URLs, not by country.');
    acknowledge(this.distribution, 'AwsSolutions-CFR2', 'Every object needs a signed URL from a trusted key group; WAF adds cost without closing a gap.');
    acknowledge(this.distribution, 'AwsSolutions-CFR3', 'Standard logs are an operator choice (cost, a log bucket); playback access is logged by the worker.');
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR4',
      'The distribution uses the default *.cloudfront.net certificate, whose TLS policy CloudFront fixes; with a custom domain set minimumProtocolVersion TLSv1.2_2021.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR7',
      'OAC is attached with a property override (to scope its bucket grant to videos/*), which cdk-nag does not read; test/infra asserts OriginAccessControlId in the synthesized template.',
    );
    const bucketId = this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    for (const prefix of ['uploads', 'videos']) {
      acknowledge(
        policy,
        `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}/*]`,
        `Object actions are limited to the ${prefix}/ prefix of the one bucket; keys are made per upload, so a prefix wildcard is the narrowest grant.`,
      );
    }
  }
}
