// Every alarm can reach the inbox: from each alarm action to its SNS topic, to that topic's policy (and its KMS key,
// if one is ever added), asking as CloudWatch asks when an alarm fires. A topic policy replaces SNS's default policy,
// so a policy that only denies plain HTTP leaves CloudWatch with nothing that allows it to publish.
import { evaluate, resolve, type Decision, type PolicyContext } from '../support/iam-policy';
import { resourcesOf, synthesize, TEST_ENV, type Resources } from '../support/synth';

const STACK = 'Tracker';
const pseudo = { account: TEST_ENV.account, region: TEST_ENV.region, partition: 'aws', stackName: STACK };

/** What CloudFormation names a resource that the template leaves unnamed, and the ARNs built from that name. */
function physical(resources: Resources) {
  return (logicalId: string, attribute?: string): string => {
    const resource = resources[logicalId];
    if (!resource) throw new Error(`no resource ${logicalId}`);
    const name = `${STACK}-${logicalId}-1A2B3C4D5E6F`;
    const { account, region } = pseudo;
    switch (resource.Type) {
      case 'AWS::SNS::Topic':
        return attribute === 'TopicName' ? name : `arn:aws:sns:${region}:${account}:${name}`;
      case 'AWS::CloudWatch::Alarm':
        return attribute === 'Arn' ? `arn:aws:cloudwatch:${region}:${account}:alarm:${name}` : name;
      case 'AWS::KMS::Key':
        return attribute === 'Arn' ? `arn:aws:kms:${region}:${account}:key/${logicalId}` : logicalId;
      default:
        return attribute ? `${name}.${attribute}` : name;
    }
  };
}

interface Delivery {
  alarm: string;
  topic: string;
  decision: Decision;
  why: string;
}

/** For each alarm action that is an SNS topic of this template: may CloudWatch publish to it for that alarm? */
function alarmDeliveries(resources: Resources): Delivery[] {
  const ctx: PolicyContext = { pseudo, resources, physical: physical(resources) };
  const topicIdByArn = new Map(
    Object.keys(resources)
      .filter((id) => resources[id].Type === 'AWS::SNS::Topic')
      .map((id) => [ctx.physical(id), id]),
  );
  const deliveries: Delivery[] = [];
  for (const [alarmId, alarm] of Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')) {
    const actions = ['AlarmActions', 'OKActions', 'InsufficientDataActions'].flatMap(
      (key) => (resolve(alarm.Properties[key] ?? [], ctx) as string[]) ?? [],
    );
    for (const action of actions.filter((a) => a.startsWith('arn:aws:sns:'))) {
      const topicId = topicIdByArn.get(action);
      if (!topicId) throw new Error(`${alarmId} notifies ${action}, which is not a topic of this template`);
      const request = {
        principal: { service: 'cloudwatch.amazonaws.com' },
        action: 'sns:Publish',
        resource: action,
        context: {
          'aws:SourceAccount': pseudo.account,
          'aws:SourceArn': ctx.physical(alarmId, 'Arn'),
          'aws:SecureTransport': 'true',
        },
      };
      const policies = Object.values(resources).filter(
        (r) =>
          r.Type === 'AWS::SNS::TopicPolicy' &&
          (r.Properties.Topics as unknown[]).some((t) => resolve(t, ctx) === action),
      );
      if (policies.length > 1) throw new Error(`${topicId} has ${policies.length} topic policies; only one applies`);
      // No topic policy: SNS's default one lets the owning account's services (CloudWatch included) publish.
      let decision: Decision =
        policies.length === 0 ? 'allow' : evaluate(resolve(policies[0].Properties.PolicyDocument, ctx), request);
      let why = policies.length === 0 ? 'default topic policy' : 'topic policy';
      const keyRef = resources[topicId].Properties.KmsMasterKeyId;
      if (decision === 'allow' && keyRef) {
        const keyId = keyRef.Ref ?? keyRef['Fn::GetAtt']?.[0];
        const key = keyId && resources[keyId];
        if (!key || key.Type !== 'AWS::KMS::Key') {
          decision = 'implicit-deny';
          why = `topic key ${JSON.stringify(keyRef)} is not a key of this template; cannot prove CloudWatch may use it`;
        } else {
          const keyPolicy = resolve(key.Properties.KeyPolicy, ctx);
          for (const kmsAction of ['kms:Decrypt', 'kms:GenerateDataKey']) {
            const keyDecision = evaluate(keyPolicy, { ...request, action: kmsAction, resource: '*' });
            if (keyDecision !== 'allow') {
              decision = keyDecision;
              why = `key policy of ${keyId} for ${kmsAction}`;
            }
          }
        }
      }
      deliveries.push({ alarm: alarmId, topic: topicId, decision, why });
    }
  }
  return deliveries;
}

describe('alarm delivery', () => {
  const configurations: Array<[string, Record<string, unknown>]> = [
    ['default', { alertEmail: 'ops@example.com' }],
    ['teardown', { deletionProtection: false }],
  ];

  it.each(configurations)('every alarm of the %s configuration may publish to its topic', (_name, context) => {
    const deliveries = alarmDeliveries(resourcesOf(synthesize(context).template));
    // Every alarm of the stack notifies the topic: the heartbeat, errors, throttles, slow runs, queues, Scheduler.
    expect(deliveries.length).toBeGreaterThanOrEqual(8);
    expect(deliveries.filter((d) => d.decision !== 'allow')).toEqual([]);
  });

  it('CloudWatch is allowed for this account and this stack alarms only, and never over plain HTTP', () => {
    const resources = resourcesOf(synthesize().template);
    const ctx: PolicyContext = { pseudo, resources, physical: physical(resources) };
    const [policy] = Object.values(resources).filter((r) => r.Type === 'AWS::SNS::TopicPolicy');
    const document = resolve(policy.Properties.PolicyDocument, ctx);
    const topic = resolve(policy.Properties.Topics[0], ctx) as string;
    const ask = (context: Record<string, string>, service = 'cloudwatch.amazonaws.com') =>
      evaluate(document, {
        principal: { service },
        action: 'sns:Publish',
        resource: topic,
        context: { 'aws:SourceAccount': pseudo.account, 'aws:SecureTransport': 'true', ...context },
      });
    const alarmArn = (name: string, account = pseudo.account) =>
      `arn:aws:cloudwatch:${pseudo.region}:${account}:alarm:${name}`;

    expect(ask({ 'aws:SourceArn': alarmArn(`${STACK}-AlertsNoSuccessfulRun-XYZ`) })).toBe('allow');
    // Another stack's alarm in the same account, another account's alarm, another service, plain HTTP.
    expect(ask({ 'aws:SourceArn': alarmArn('OtherStack-SomeAlarm-XYZ') })).toBe('implicit-deny');
    expect(
      ask({ 'aws:SourceAccount': '222222222222', 'aws:SourceArn': alarmArn(`${STACK}-A-XYZ`, '222222222222') }),
    ).toBe('implicit-deny');
    expect(ask({ 'aws:SourceArn': alarmArn(`${STACK}-A-XYZ`) }, 'events.amazonaws.com')).toBe('implicit-deny');
    expect(ask({ 'aws:SourceArn': alarmArn(`${STACK}-A-XYZ`), 'aws:SecureTransport': 'false' })).toBe('explicit-deny');
  });

  it('finds the gap in a topic policy that only denies plain HTTP (the policy enforceSSL alone writes)', () => {
    const resources = resourcesOf(synthesize().template);
    for (const resource of Object.values(resources).filter((r) => r.Type === 'AWS::SNS::TopicPolicy')) {
      const statements = resource.Properties.PolicyDocument.Statement as Array<{ Effect: string }>;
      resource.Properties.PolicyDocument.Statement = statements.filter((s) => s.Effect === 'Deny');
    }
    const refused = alarmDeliveries(resources).filter((d) => d.decision !== 'allow');
    expect(refused.length).toBeGreaterThanOrEqual(8);
  });

  it('follows a topic key: a key policy that does not let CloudWatch use it stops delivery', () => {
    const resources = resourcesOf(synthesize().template);
    const topicId = Object.keys(resources).find((id) => resources[id].Type === 'AWS::SNS::Topic')!;
    resources[topicId].Properties.KmsMasterKeyId = { Ref: 'TestKey' };
    resources.TestKey = {
      Type: 'AWS::KMS::Key',
      Properties: {
        KeyPolicy: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${pseudo.account}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
          ],
        },
      },
    };
    expect(alarmDeliveries(resources).every((d) => d.decision === 'implicit-deny')).toBe(true);
    resources.TestKey.Properties.KeyPolicy.Statement.push({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
    });
    expect(alarmDeliveries(resources).every((d) => d.decision === 'allow')).toBe(true);
  });
});
