import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { bucketCorsRules } from '../../infra/bucket-cors';
import { playbackCorsConfig } from '../../infra/playback-cors';
import { S3VideoStack } from '../../infra/stack';
import { readmePolicyDocument, WHY } from '../../infra/worker-policy';

/**
 * `cdk synth` in-process and offline: the synthesized CloudFormation must hold exactly the
 * settings README "Setting up AWS" promises, cdk-nag's AwsSolutions pack must find nothing
 * that is not acknowledged with a reason, and the README's IAM JSON must be the template's.
 */

const ORIGINS = ['https://moodle.example.edu'];
const ROOT = new URL('../../', import.meta.url).pathname;
let app: App;
let stack: S3VideoStack;
let template: Template;
let resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const only = (type: string) => {
  const found = ofType(type);
  assert.equal(found.length, 1, `one ${type}`);
  return found[0]!;
};

before(() => {
  const { publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  app = new App();
  stack = new S3VideoStack(app, 'S3Video', { moodleOrigins: ORIGINS, publicKeyPem: publicKey });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

describe('cdk-nag AwsSolutions', () => {
  it('finds no violation that is not acknowledged with a reason', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    assert.deepEqual(
      report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
      [],
    );
    assert.equal(report.success, true);
  });
});

describe('the bucket', () => {
  it('is private, SSE-S3, owner-enforced, unversioned and kept on stack deletion', () => {
    const [id, bucket] = only('AWS::S3::Bucket');
    assert.deepEqual(bucket.Properties.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    assert.deepEqual(bucket.Properties.BucketEncryption, {
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    assert.deepEqual(bucket.Properties.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    assert.equal(bucket.Properties.VersioningConfiguration, undefined);
    assert.equal((resources[id] as unknown as { DeletionPolicy: string }).DeletionPolicy, 'Retain');
  });

  it('allows only the methods and headers the browser uses (CORS)', () => {
    const [, bucket] = only('AWS::S3::Bucket');
    const rules = (bucket.Properties.CorsConfiguration as { CorsRules: unknown[] }).CorsRules;
    assert.deepEqual(
      rules,
      bucketCorsRules(ORIGINS).map((r) => ({
        AllowedOrigins: r.AllowedOrigins, AllowedMethods: r.AllowedMethods, AllowedHeaders: r.AllowedHeaders,
        ...(r.ExposeHeaders ? { ExposedHeaders: r.ExposeHeaders } : {}), MaxAge: r.MaxAgeSeconds,
      })),
    );
    const methods = rules.flatMap((r) => (r as { AllowedMethods: string[] }).AllowedMethods);
    assert.ok(!methods.includes('DELETE'), 'the browser never deletes');
  });

  it('aborts incomplete multipart uploads, expires staging leftovers and old versions', () => {
    const [, bucket] = only('AWS::S3::Bucket');
    assert.deepEqual((bucket.Properties.LifecycleConfiguration as { Rules: unknown[] }).Rules, [
      { Id: 'abort-incomplete-multipart', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
      { Id: 'expire-staging', Status: 'Enabled', Prefix: 'uploads/', ExpirationInDays: 7 },
      { Id: 'noncurrent-versions', Status: 'Enabled', ExpiredObjectDeleteMarker: true, NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
    ]);
  });

  it('refuses plain HTTP and lets only this distribution read videos/*, through OAC', () => {
    const [, policy] = only('AWS::S3::BucketPolicy');
    const statements = (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
    const deny = statements.find((s) => s.Effect === 'Deny')!;
    assert.deepEqual(deny.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
    assert.equal(deny.Action, 's3:*');
    const allow = statements.filter((s) => s.Effect === 'Allow');
    assert.equal(allow.length, 1, 'the OAC grant is the only Allow');
    assert.deepEqual(allow[0]!.Principal, { Service: 'cloudfront.amazonaws.com' });
    assert.equal(allow[0]!.Action, 's3:GetObject');
    assert.match(JSON.stringify(allow[0]!.Resource), /"\/videos\/\*"/);
    const sourceArn = JSON.stringify((allow[0]!.Condition as { StringEquals: Record<string, unknown> }).StringEquals['AWS:SourceArn']);
    assert.match(sourceArn, /:distribution\//);
    assert.match(sourceArn, new RegExp(`"Ref":"${only('AWS::CloudFront::Distribution')[0]}"`));
  });
});

describe('the distribution', () => {
  const config = () => only('AWS::CloudFront::Distribution')[1].Properties.DistributionConfig as Record<string, any>;

  it('serves GET/HEAD (and OPTIONS for CORS preflights) over HTTPS only, behind the trusted key group', () => {
    const behavior = config().DefaultCacheBehavior;
    assert.equal(behavior.ViewerProtocolPolicy, 'redirect-to-https');
    assert.deepEqual(behavior.AllowedMethods, ['GET', 'HEAD', 'OPTIONS']);
    assert.deepEqual(behavior.CachedMethods, ['GET', 'HEAD']);
    assert.deepEqual(behavior.TrustedKeyGroups, [{ Ref: only('AWS::CloudFront::KeyGroup')[0] }]);
    const keyGroup = only('AWS::CloudFront::KeyGroup')[1].Properties.KeyGroupConfig as { Items: unknown[] };
    assert.deepEqual(keyGroup.Items, [{ Ref: only('AWS::CloudFront::PublicKey')[0] }]);
    assert.equal(config().IPV6Enabled, false, 'IP-restricted URLs match IPv4 only');
  });

  it('reaches S3 only through an always-signing Origin Access Control', () => {
    const [originDef] = config().Origins;
    assert.deepEqual(originDef.OriginAccessControlId, { 'Fn::GetAtt': [only('AWS::CloudFront::OriginAccessControl')[0], 'Id'] });
    assert.deepEqual(originDef.S3OriginConfig, { OriginAccessIdentity: '' });
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
  });

  it('keeps headers, cookies and every query string but response-content-disposition out of the cache key', () => {
    const [id, policy] = only('AWS::CloudFront::CachePolicy');
    assert.deepEqual(config().DefaultCacheBehavior.CachePolicyId, { Ref: id });
    const key = (policy.Properties.CachePolicyConfig as Record<string, any>).ParametersInCacheKeyAndForwardedToOrigin;
    // A download's attachment answer must not be served to the player: its one parameter is in the key.
    assert.deepEqual(key.QueryStringsConfig, { QueryStringBehavior: 'whitelist', QueryStrings: ['response-content-disposition'] });
    assert.deepEqual(key.HeadersConfig, { HeaderBehavior: 'none' });
    assert.deepEqual(key.CookiesConfig, { CookieBehavior: 'none' });
  });

  it('forwards no query string beyond the cache key\'s (nor cookies) to the S3 origin, only the CORS request headers', () => {
    const [id, policy] = only('AWS::CloudFront::OriginRequestPolicy');
    assert.deepEqual(config().DefaultCacheBehavior.OriginRequestPolicyId, { Ref: id });
    const forwarded = policy.Properties.OriginRequestPolicyConfig as Record<string, any>;
    assert.deepEqual(forwarded.QueryStringsConfig, { QueryStringBehavior: 'none' });
    assert.deepEqual(forwarded.CookiesConfig, { CookieBehavior: 'none' });
    assert.deepEqual(forwarded.HeadersConfig, {
      HeaderBehavior: 'whitelist',
      Headers: ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'],
    });
  });

  it('attaches the response headers policy the CloudFront stand-in enforces', () => {
    const [id, policy] = only('AWS::CloudFront::ResponseHeadersPolicy');
    assert.deepEqual(config().DefaultCacheBehavior.ResponseHeadersPolicyId, { Ref: id });
    assert.deepEqual((policy.Properties.ResponseHeadersPolicyConfig as Record<string, unknown>).CorsConfig, playbackCorsConfig(ORIGINS));
  });
});

describe("the worker's IAM user", () => {
  /** The template's policy with its CloudFormation references written as the README's placeholders. */
  const placeholders = (value: unknown): unknown => {
    const bucket = only('AWS::S3::Bucket')[0];
    const distribution = only('AWS::CloudFront::Distribution')[0];
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.map(placeholders);
    const v = value as Record<string, any>;
    if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(placeholders).join(v['Fn::Join'][0]);
    if (v['Fn::GetAtt']) {
      assert.deepEqual(v['Fn::GetAtt'], [bucket, 'Arn']);
      return 'arn:aws:s3:::YOUR-BUCKET';
    }
    const refs: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::AccountId': 'ACCOUNT-ID', [distribution]: 'DISTRIBUTION-ID' };
    assert.ok(v.Ref in refs, `unexpected reference ${JSON.stringify(v)}`);
    return refs[v.Ref];
  };

  it('has exactly the README policy, attached to the user and nothing else', () => {
    const [, policy] = only('AWS::IAM::Policy');
    assert.deepEqual(policy.Properties.Users, [{ Ref: only('AWS::IAM::User')[0] }]);
    const doc = policy.Properties.PolicyDocument as { Version: string; Statement: Array<Record<string, unknown>> };
    const synthesized = doc.Statement.map((s) => ({
      Sid: s.Sid, Effect: s.Effect, Action: ([] as unknown[]).concat(s.Action), Resource: placeholders(s.Resource),
    }));
    assert.deepEqual({ Version: doc.Version, Statement: synthesized }, readmePolicyDocument());
    assert.equal(ofType('AWS::IAM::AccessKey').length, 0, 'the access key is made by hand, never stored in the stack');
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  it('names each action with the call that needs it, and grants nothing unexplained', () => {
    const actions = new Set(readmePolicyDocument().Statement.flatMap((s) => s.Action));
    assert.deepEqual([...actions].sort(), Object.keys(WHY).sort());
    for (const action of actions) assert.ok(!action.includes('*'), `${action} is not a wildcard`);
  });

  it('is the policy printed in README.md', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    const block = /<!-- iam-policy: generated from infra\/worker-policy\.ts -->\s*```json\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(block, 'README.md has the marked IAM policy block');
    assert.deepEqual(JSON.parse(block), readmePolicyDocument());
  });

  it('outputs what wrangler.toml and the secrets need', () => {
    for (const name of ['S3Bucket', 'S3Region', 'CloudFrontDomain', 'CloudFrontDistributionId', 'CloudFrontKeyPairId', 'MultipartAbortAfterDays', 'WorkerUserName']) {
      template.hasOutput(name, { Value: Match.anyValue() });
    }
  });
});
