// The CLI's one way to ask the deployed collector something: find it from the stack's outputs, invoke it with a
// request its contract accepts, and decode the answer with the same contract the handler answers by
// (lambda/core/contracts.ts). What can go wrong on the way is a value the caller turns into its own message: an
// error for `report` and `sql`, a failed check for `doctor`.
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type * as z from 'zod';
import { ACTIONS, type Action, type AnswerOf, type RequestOf } from '../../lambda/core/contracts';
import { describeIssues } from '../../lambda/core/schemas';
import { errorMessage } from '../../lambda/core/errors';

export const FUNCTION_OUTPUT = 'CollectorFunctionName';
export const LOG_GROUP_OUTPUT = 'CollectorLogGroupName';
export const REDEPLOY = 'Deploy this version of the stack (`npx cdk deploy`).';
export const CREDENTIALS_HINT =
  'Use AWS credentials of the account the stack is deployed in (`aws sts get-caller-identity` should answer; set ' +
  'AWS_PROFILE or AWS_REGION, or pass --region). They need cloudformation:DescribeStacks on the stack and ' +
  'lambda:InvokeFunction on its collector.';

/** A stack's outputs by key. */
export type Outputs = (key: string) => string | undefined;

export function outputsOf(stack: Stack | undefined): Outputs {
  const outputs = new Map((stack?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  return (key) => outputs.get(key) || undefined;
}

/** The stack as CloudFormation describes it (undefined when there is none by that name). */
export async function describeStack(cloudFormation: CloudFormationClient, stackName: string) {
  const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  return Stacks?.[0];
}

/** Where the collector is: its name, and its log group for advice. */
export interface Collector {
  functionName: string;
  logGroup?: string;
}

export function collectorOf(outputs: Outputs): Collector | undefined {
  const functionName = outputs(FUNCTION_OUTPUT);
  return functionName ? { functionName, logGroup: outputs(LOG_GROUP_OUTPUT) } : undefined;
}

/** What each action asks the function to do, for messages. */
const WHAT: Record<Action, string> = {
  collect: 'collect',
  report: 'build the report',
  status: 'read its status',
  sql: 'run the SQL',
};

/** Why an answer could not be had: `kind` for callers that react differently, message and hint for people. */
export interface AskProblem {
  kind: 'invoke' | 'function-error' | 'not-json' | 'unknown-answer';
  message: string;
  hint: string;
}
export type Asked<A extends Action> = { ok: true; answer: AnswerOf<A> } | { ok: false; problem: AskProblem };

/** Invokes the collector with `request` (checked against its contract first) and decodes the answer. */
export async function invokeCollector<A extends Action>(
  lambda: LambdaClient,
  collector: Collector,
  action: A,
  request: RequestOf<A>,
): Promise<Asked<A>> {
  const { functionName, logGroup } = collector;
  const group = logGroup ?? `<${LOG_GROUP_OUTPUT} output>`;
  const logs = `Its log group has the details (\`aws logs tail ${group} --since 1h\`).`;
  const payload = ACTIONS[action].request.parse(request);
  let answer;
  try {
    answer = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
  } catch (error) {
    return problem('invoke', `Could not invoke ${functionName}: ${errorMessage(error)}`, CREDENTIALS_HINT);
  }
  const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const start = text.slice(0, 80);
    return problem('not-json', `The deployed function answered with something that is not JSON (${start}).`, logs);
  }
  if (answer.FunctionError) {
    const message =
      body && typeof body === 'object' && 'errorMessage' in body ? String(body.errorMessage) : text.slice(0, 200);
    // An older collector does not know a newer action: it says so as an invalid event.
    const hint = /^Invalid event/.test(message) ? REDEPLOY : logs;
    return problem('function-error', `The deployed function could not ${WHAT[action]}: ${message}`, hint);
  }
  // The table's entry for `action` decodes to AnswerOf<A>; TypeScript cannot follow the index through the generic.
  const schema = ACTIONS[action].answer as unknown as z.ZodType<AnswerOf<A>>;
  const decoded = schema.safeParse(body);
  if (!decoded.success)
    return problem(
      'unknown-answer',
      `The deployed function answered "${action}" in a form this version does not know ` +
        `(${describeIssues(decoded.error, body)}).`,
      `The stack and this command are different versions. ${REDEPLOY}`,
    );
  return { ok: true, answer: decoded.data };
}

function problem(kind: AskProblem['kind'], message: string, hint: string): { ok: false; problem: AskProblem } {
  return { ok: false, problem: { kind, message, hint } };
}

/** Clients for the user's own credentials, in the region asked for (or the SDK's default). */
export function clientsFor(
  region: string | undefined,
  given: { cloudFormation?: CloudFormationClient; lambda?: LambdaClient },
) {
  const config = region ? { region } : {};
  return {
    cloudFormation: given.cloudFormation ?? new CloudFormationClient(config),
    lambda: given.lambda ?? new LambdaClient(config),
  };
}
