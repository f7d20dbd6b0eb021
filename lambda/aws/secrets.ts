// Secrets Manager: the only place that reads a secret's value.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export type SecretReader = (secretArn: string) => Promise<string | undefined>;

/** Reads a secret's string value at every call: a secret changed in the console applies to the next run. */
export function createSecretReader(client: SecretsManagerClient = new SecretsManagerClient({})): SecretReader {
  return async (secretArn) => (await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
}
