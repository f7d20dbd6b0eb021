// `report --remote` and `sql --remote`: ask the deployed collector with the user's own AWS credentials, so nobody
// needs network access to the database in its private subnet. The function's name comes from the stack's outputs.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { errorMessage, RefusedError, TrackerError } from '../core/errors';
import { ensureAwake, type PowerClients } from './database-power';
import type { SqlFailure, SqlRefusal, SqlResult } from '../storage/read-only-sql';
import type { ReportData, ReportRequest } from '../storage/reports';

const FUNCTION_OUTPUT = 'CollectorFunctionName';
const LOG_GROUP_OUTPUT = 'CollectorLogGroupName';

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

const CREDENTIALS_HINT =
  'Use AWS credentials of the account the stack is deployed in (`aws sts get-caller-identity` should answer; set ' +
  'AWS_PROFILE or AWS_REGION, or pass --region). They need cloudformation:DescribeStacks on the stack and ' +
  'lambda:InvokeFunction on its collector.';

/** Invokes the stack's collector with `event` and returns its JSON answer; a function error becomes a TrackerError. */
async function invokeCollector(event: Record<string, unknown>, what: string, options: RemoteOptions): Promise<unknown> {
  const clientConfig = options.region ? { region: options.region } : {};
  const cloudFormation = options.cloudFormation ?? new CloudFormationClient(clientConfig);
  const lambda = options.lambda ?? new LambdaClient(clientConfig);

  let functionName: string | undefined;
  let logGroup: string | undefined;
  let output: (key: string) => string | undefined;
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: options.stackName }));
    output = (key: string) => Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
    functionName = output(FUNCTION_OUTPUT);
    logGroup = output(LOG_GROUP_OUTPUT);
  } catch (error) {
    throw new TrackerError(`Could not read the stack "${options.stackName}": ${errorMessage(error)}`, CREDENTIALS_HINT);
  }
  if (!functionName) {
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
    outputs: output,
  });

  let answer;
  try {
    answer = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
  } catch (error) {
    throw new TrackerError(`Could not invoke ${functionName}: ${errorMessage(error)}`, CREDENTIALS_HINT);
  }
  const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new TrackerError(`The deployed function answered with something that is not JSON (${text.slice(0, 80)}).`);
  }
  if (answer.FunctionError) {
    const message =
      payload && typeof payload === 'object' && 'errorMessage' in payload
        ? String(payload.errorMessage)
        : text.slice(0, 200);
    throw new TrackerError(
      `The deployed function could not ${what}: ${message}`,
      `Its log group has the details (\`aws logs tail ${logGroup ?? `<${LOG_GROUP_OUTPUT} output>`} --since 1h\`).`,
    );
  }
  return payload;
}

export async function fetchRemoteReport(request: ReportRequest, options: RemoteOptions): Promise<ReportData> {
  const payload = await invokeCollector({ action: 'report', ...request }, 'build the report', options);
  if (
    !payload ||
    typeof payload !== 'object' ||
    (payload as { report?: unknown }).report !== 'ayrshare-analytics-tracker'
  ) {
    throw new TrackerError(
      'The deployed function did not answer with a report: deploy this version of the stack (`npx cdk deploy`).',
    );
  }
  return payload as ReportData;
}

/** What the deployed function answers to `{"action": "sql"}`: the result, or why it refused (exit 2 here too). */
export type RemoteSqlAnswer = SqlResult | SqlRefusal | SqlFailure;

export async function fetchRemoteSql(
  request: { sql: string; maxRows: number; timeoutMs: number },
  options: RemoteOptions,
): Promise<SqlResult> {
  const payload = (await invokeCollector({ action: 'sql', ...request }, 'run the SQL', options)) as RemoteSqlAnswer;
  if (payload?.result === 'ayrshare-analytics-tracker-sql-refused')
    throw new RefusedError(payload.message, payload.hint);
  if (payload?.result !== 'ayrshare-analytics-tracker-sql') {
    throw new TrackerError(
      'The deployed function did not answer with a SQL result: deploy this version of the stack (`npx cdk deploy`).',
    );
  }
  return payload;
}
