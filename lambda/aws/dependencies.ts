// The AWS clients and Powertools instances a handler can be given (tests pass their own; the defaults are created
// on first use).
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger, Metrics } from './observability';

export interface AwsDependencies {
  secretsManager?: SecretsManagerClient;
  sns?: SNSClient;
  sqs?: SQSClient;
  logger?: Logger;
  metrics?: Metrics;
}
