import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { S3VideoStack } from './stack';

/**
 * `cdk deploy` entry (infra/cdk.json). Context:
 *   -c moodleOrigins=https://moodle.example.edu[,https://other.example]   (required)
 *   -c publicKeyFile=public_key.pem                                        (required)
 *   -c multipartAbortAfterDays=7  -c ipRestrict=true (IPv6 off on the distribution)
 */
const app = new App();
const context = (name: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};
const need = (name: string): string => {
  const value = context(name);
  if (!value) throw new Error(`missing context value ${name}: pass -c ${name}=…`);
  return value;
};

new S3VideoStack(app, context('stackName') ?? 'S3Video', {
  moodleOrigins: need('moodleOrigins').split(',').map((o) => o.trim()),
  publicKeyPem: readFileSync(need('publicKeyFile'), 'utf8'),
  multipartAbortAfterDays: context('multipartAbortAfterDays') ? Number(context('multipartAbortAfterDays')) : undefined,
  enableIpv6: context('ipRestrict') !== 'true',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
