// `report --remote` and `sql --remote`: ask the deployed collector with the user's own AWS credentials, so nobody
// needs network access to the database in its private subnet. Each answer kind of the contract is handled here, and
// a kind this file does not handle fails type-checking.
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  unhandledAnswer,
  type Action,
  type AnswerOf,
  type ReportData,
  type ReportRequest,
  type RequestOf,
  type SqlResult,
} from '../../lambda/core/contracts';
import { errorMessage, RefusedError, TrackerError } from '../../lambda/core/errors';
import { ensureAwake, type PowerClients } from './database-power';
import {
  clientsFor,
  collectorOf,
  CREDENTIALS_HINT,
  describeStack,
  FUNCTION_OUTPUT,
  invokeCollector,
  outputsOf,
  type Outputs,
} from './function';

export interface RemoteOptions {
  stackName: string;
  region?: string;
  cloudFormation?: CloudFormationClient;
  lambda?: LambdaClient;
  /** Economy mode: start a sleeping database and NAT instance first and wait (otherwise a sleeping one is an error). */
  wake?: boolean;
  /** Progress lines while waking. */
  progress?: (line: string) => void;
  power?: PowerClients;
}

/** Finds the stack's collector, makes sure it can answer (economy mode), asks, and returns the decoded answer. */
export async function askDeployment<A extends Action>(
  action: A,
  request: RequestOf<A>,
  options: RemoteOptions,
): Promise<AnswerOf<A>> {
  const { cloudFormation, lambda } = clientsFor(options.region, options);
  let outputs: Outputs;
  try {
    outputs = outputsOf(await describeStack(cloudFormation, options.stackName));
  } catch (error) {
    throw new TrackerError(`Could not read the stack "${options.stackName}": ${errorMessage(error)}`, CREDENTIALS_HINT);
  }
  const collector = collectorOf(outputs);
  if (!collector) {
    throw new TrackerError(
      `The stack "${options.stackName}" has no ${FUNCTION_OUTPUT} output.`,
      'Deploy this version of the stack (`npx cdk deploy`), or name yours with --stack.',
    );
  }
  // In economy mode, never ask a function whose database sleeps (it would time out): say so, or wake it if asked.
  await ensureAwake({
    stackName: options.stackName,
    region: options.region,
    wake: options.wake,
    progress: options.progress,
    clients: { cloudFormation, ...options.power },
    // The outputs read above: the stack is described once.
    outputs,
  });
  const asked = await invokeCollector(lambda, collector, action, request);
  if (!asked.ok) throw new TrackerError(asked.problem.message, asked.problem.hint);
  return asked.answer;
}

export async function fetchRemoteReport(request: ReportRequest, options: RemoteOptions): Promise<ReportData> {
  return askDeployment('report', { action: 'report', ...request }, options);
}

/** The rows; a refusal exits 2 and a failure (the timeout, the server) exits 1, each with the function's own words. */
export async function fetchRemoteSql(
  request: { sql: string; maxRows: number; timeoutMs: number },
  options: RemoteOptions,
): Promise<SqlResult> {
  const answer = await askDeployment('sql', { action: 'sql', ...request }, options);
  switch (answer.result) {
    case 'ayrshare-analytics-tracker-sql':
      return answer;
    case 'ayrshare-analytics-tracker-sql-refused':
      throw new RefusedError(answer.message, answer.hint);
    case 'ayrshare-analytics-tracker-sql-failed':
      throw new TrackerError(answer.message, answer.hint);
    default:
      return unhandledAnswer(answer);
  }
}
