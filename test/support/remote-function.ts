// The deployed collector as the CLI reaches it, for `--remote` tests: CloudFormation describes the stack with its
// collector output, and Lambda's Invoke runs the real handler in-process (its database over verified TLS), answering
// as Lambda does: the handler's JSON, or a FunctionError with the error's message.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { buildHandlers } from '../../lambda/handlers/index';

export const REMOTE_STACK = 'AyrshareAnalyticsTracker';
export const REMOTE_FUNCTION = 'tracker-collect';

const context = {
  awsRequestId: 'r',
  functionName: 'collector',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

/** Mocks the two clients; call `reset()` in beforeEach, then `serve()` to answer with the real handler. */
export function deployedFunction() {
  const cloudFormation = mockClient(CloudFormationClient);
  const lambda = mockClient(LambdaClient);
  return {
    cloudFormation,
    lambda,
    reset() {
      cloudFormation.reset();
      lambda.reset();
    },
    serve() {
      cloudFormation.on(DescribeStacksCommand, { StackName: REMOTE_STACK }).resolves({
        Stacks: [
          {
            StackName: REMOTE_STACK,
            CreationTime: new Date(),
            StackStatus: 'CREATE_COMPLETE',
            Outputs: [{ OutputKey: 'CollectorFunctionName', OutputValue: REMOTE_FUNCTION }],
          },
        ],
      });
      lambda.on(InvokeCommand, { FunctionName: REMOTE_FUNCTION }).callsFake(async (input: { Payload: Uint8Array }) => {
        const event = JSON.parse(new TextDecoder().decode(input.Payload));
        try {
          const answer = await buildHandlers({ databaseCa: process.env.TEST_PG_CA }).collect(event, context);
          return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(answer)) };
        } catch (error) {
          const payload = { errorType: 'Error', errorMessage: (error as Error).message };
          return {
            StatusCode: 200,
            FunctionError: 'Unhandled',
            Payload: new TextEncoder().encode(JSON.stringify(payload)),
          };
        }
      });
    },
  };
}
