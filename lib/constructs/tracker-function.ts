// One Lambda function of the tracker. Every function runs from the same bundle of lambda/handlers/index.ts, which
// exports one handler per function (`collect`, `migrate`).
import * as path from 'node:path';
import type { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { SERVICE_NAME } from '../../lambda/core/metric-names';
import { acknowledgeGuardRule, awsManagedPolicy } from '../nag-suppressions';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * The Amazon RDS certificate authorities the Lambda Node.js runtime ships, for every region; Node.js 20 and later
 * runtimes no longer load them unless NODE_EXTRA_CA_CERTS names this file.
 */
export const RUNTIME_RDS_CERTIFICATES = '/var/runtime/ca-cert.pem';

/** The handlers lambda/handlers/index.ts exports, one per function. */
export type TrackerHandler = 'collect' | 'migrate';

export interface TrackerFunctionProps {
  /** The export of lambda/handlers/index.ts this function runs. */
  readonly handler: TrackerHandler;
  readonly description: string;
  readonly timeout: Duration;
  /** The function runs in this VPC's private subnets with egress. */
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  /** Settings and ARNs only, never a secret value. @default - only NODE_OPTIONS (source maps) */
  readonly environment?: Record<string, string>;
}

/** What every function that reads the database needs: the secret's ARN (not its value) and the time zone. */
export function databaseEnvironment(databaseSecret: secretsmanager.ISecret, timeZone: string): Record<string, string> {
  return {
    DATABASE_SECRET_ARN: databaseSecret.secretArn,
    TRACKER_TIMEZONE: timeZone,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
  };
}

/**
 * A tracker function: Node.js 24 on arm64 (Graviton), 512 MB, in the VPC's private subnets with egress, bundled
 * locally by esbuild (no Docker), minified with source maps, `pg-native` left out, migrations/ copied next to the
 * bundle. Its log group is explicit, named `<id>Logs` next to the function, and keeps a year.
 */
/**
 * Packages the bundle replaces. node-pg-migrate imports glob but calls it only with `useGlob`, which the tracker never
 * sets; a stand-in that says so keeps glob and its dependencies (about 80 KB) out of every cold start.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  glob: path.join(PROJECT_ROOT, 'lambda', 'storage', 'no-glob.ts'),
};

export class TrackerFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: TrackerFunctionProps) {
    // Explicit, so that `logGroup` is this one (named by CloudFormation, in the stack's outputs).
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_YEAR });
    acknowledgeGuardRule(
      logGroup,
      'cloudwatch_log_group_encrypted_check',
      'CloudWatch Logs encrypts every log group at rest; a customer-managed key would cost more than the logs, ' +
        'which hold no key or secret (the boundary redacts them).',
    );
    super(scope, id, {
      entry: path.join(PROJECT_ROOT, 'lambda', 'handlers', 'index.ts'),
      handler: props.handler,
      description: props.description,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.securityGroup],
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        NODE_EXTRA_CA_CERTS: RUNTIME_RDS_CERTIFICATES,
      },
      logGroup,
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node24',
        format: nodejs.OutputFormat.CJS,
        // Listing externals replaces the default, so the runtime's AWS SDK is named as well.
        externalModules: ['@aws-sdk/*', 'pg-native'],
        esbuildArgs: Object.fromEntries(
          Object.entries(BUNDLE_ALIASES).map(([name, file]) => [`--alias:${name}`, file]),
        ),
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            `cp -R "${path.join(inputDir, 'migrations')}" "${path.join(outputDir, 'migrations')}"`,
          ],
        },
      },
    });

    NagSuppressions.addResourceSuppressions(this.role!, [
      {
        id: 'AwsSolutions-IAM4',
        reason: 'AWSLambdaVPCAccessExecutionRole is the AWS-maintained minimum for a function in a VPC (ENIs, logs).',
        appliesTo: ['AWSLambdaBasicExecutionRole', 'AWSLambdaVPCAccessExecutionRole'].map(awsManagedPolicy),
      },
    ]);
  }
}
