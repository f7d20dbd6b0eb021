// Economy mode from the command line, through the CLI as installed: remote commands say when the deployment sleeps
// and never wake it unasked; --wake and `wake` start the database and the NAT instance and wait, with progress.
// The AWS clients are mocked as a deployed economy-mode stack answers (EC2 and RDS have no local equivalent here).
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeInstancesCommand, EC2Client, StartInstancesCommand } from '@aws-sdk/client-ec2';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DescribeDBInstancesCommand, RDSClient, StartDBInstanceCommand } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { wakeDeployment } from '../../../../local/aws/database-power';
import { runCliCaptured } from '../../../support/cli';
import { answerHealthy, mockDeploymentClients, OUTPUTS, STACK } from '../../../support/deployment';

const stubs = mockDeploymentClients();
const rds = mockClient(RDSClient);
const ec2 = mockClient(EC2Client);
const DATABASE = 'ayrshareanalyticstracker-databaseinstance-abc123';
const NAT = 'i-0123456789abcdef0';
const now = new Date('2026-03-07T12:00:00Z');

/** The stack in economy mode; the database and the NAT answer the given states, one per call, the last repeating. */
function economyStack(database: string[], nat: string[]): void {
  answerHealthy(stubs);
  const outputs = { ...OUTPUTS, EconomyMode: 'true', DatabaseInstanceId: DATABASE, NatInstanceId: NAT };
  stubs.cloudFormation.on(DescribeStacksCommand, { StackName: STACK }).resolves({
    Stacks: [
      {
        StackName: STACK,
        CreationTime: now,
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
  rds.reset();
  ec2.reset();
  let d = rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: DATABASE });
  for (const status of database) d = d.resolvesOnce({ DBInstances: [{ DBInstanceStatus: status }] });
  d.resolves({ DBInstances: [{ DBInstanceStatus: database[database.length - 1] }] });
  let e = ec2.on(DescribeInstancesCommand, { InstanceIds: [NAT] });
  for (const state of nat)
    e = e.resolvesOnce({ Reservations: [{ Instances: [{ State: { Name: state as 'running' } }] }] });
  e.resolves({ Reservations: [{ Instances: [{ State: { Name: nat[nat.length - 1] as 'running' } }] }] });
  rds.on(StartDBInstanceCommand).resolves({});
  ec2.on(StartInstancesCommand).resolves({});
}

const started = () => ({
  database: rds.commandCalls(StartDBInstanceCommand).length,
  nat: ec2.commandCalls(StartInstancesCommand).length,
});

describe('a remote command against a sleeping economy-mode deployment', () => {
  beforeEach(() => economyStack(['stopped'], ['stopped']));

  it.each([
    ['report', ['report', '--remote']],
    ['sql', ['sql', '--remote', 'SELECT 1']],
  ])('%s says it sleeps, exits 1, and neither wakes it nor asks the function', async (_name, args) => {
    const run = await runCliCaptured(args, {}, { now });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/asleep \(economy mode\): the database is stopped, the NAT instance is stopped/);
    expect(run.stderr).toMatch(/Add --wake/);
    expect(started()).toEqual({ database: 0, nat: 0 });
    expect(stubs.lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it('doctor reports it asleep, skips the last run without invoking the function, and stays healthy', async () => {
    const run = await runCliCaptured(['doctor', '--remote'], {}, { now });
    expect(run.stdout).toMatch(/\[skip\] The database and the NAT instance are awake \(economy mode\)\n\s+Asleep: /);
    expect(run.stdout).toMatch(/\[skip\] The last run succeeded\n\s+Not checked: the database sleeps/);
    expect(stubs.lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(started()).toEqual({ database: 0, nat: 0 });
    expect(run.code).toBe(0);
  });

  it('--wake is refused without --remote', async () => {
    const run = await runCliCaptured(['report', '--wake'], {}, { now });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--wake go with --remote/);
  });
});

describe('waking', () => {
  it('starts what is stopped and waits, with progress, until the database is available and the NAT runs', async () => {
    economyStack(['stopped', 'starting', 'starting', 'available'], ['stopped', 'pending', 'running']);
    const lines: string[] = [];
    const state = await wakeDeployment({
      stackName: STACK,
      progress: (line) => lines.push(line),
      sleep: async () => undefined,
    });
    expect(state).toMatchObject({ economy: true, database: 'available', nat: 'running' });
    expect(started()).toEqual({ database: 1, nat: 1 });
    expect(rds.commandCalls(StartDBInstanceCommand)[0].args[0].input).toEqual({ DBInstanceIdentifier: DATABASE });
    expect(ec2.commandCalls(StartInstancesCommand)[0].args[0].input).toEqual({ InstanceIds: [NAT] });
    expect(lines[0]).toMatch(/Starting the database/);
    expect(lines.some((l) => /Waiting .*the database is starting/.test(l))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/^Awake/);
  });

  it('starts a database that was still stopping once it has stopped', async () => {
    economyStack(['stopping', 'stopped', 'starting', 'available'], ['running']);
    await wakeDeployment({ stackName: STACK, sleep: async () => undefined });
    expect(started()).toEqual({ database: 1, nat: 0 });
  });

  it('gives up after its timeout with what it saw', async () => {
    economyStack(['stopped', 'starting'], ['running']);
    let clock = 0;
    await expect(
      wakeDeployment({
        stackName: STACK,
        timeoutMs: 60_000,
        now: () => clock,
        sleep: async (ms) => void (clock += ms),
      }),
    ).rejects.toThrow(/did not wake within 1 minutes: the database is starting/);
  });

  it('`wake` through the CLI starts the database, prints what it waited for, and exits 0', async () => {
    economyStack(['stopped', 'available'], ['running']);
    const run = await runCliCaptured(['wake'], {}, { now });
    expect(run.stdout).toBe('awake: the database is available, the NAT instance is running\n');
    expect(run.stderr).toMatch(/Starting the database/);
    expect(run.code).toBe(0);
    expect(started()).toEqual({ database: 1, nat: 0 });
  });

  it('report --remote --wake asks the function only once the deployment is awake', async () => {
    economyStack(['stopped', 'available'], ['running']);
    const order: string[] = [];
    rds.on(StartDBInstanceCommand).callsFake(async () => void order.push('start database'));
    stubs.lambda.on(InvokeCommand).callsFake(async () => {
      order.push('invoke');
      return { Payload: new TextEncoder().encode('{}') };
    });
    await runCliCaptured(['report', '--remote', '--wake'], {}, { now });
    expect(order).toEqual(['start database', 'invoke']);
    // The stack is described once: the awake check and every poll use the outputs read for the function's name.
    expect(stubs.cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });

  it('outside economy mode, remote commands read nothing from RDS or EC2', async () => {
    answerHealthy(stubs);
    rds.reset();
    ec2.reset();
    await runCliCaptured(['doctor', '--remote'], {}, { now });
    expect(rds.calls()).toHaveLength(0);
    expect(ec2.calls()).toHaveLength(0);
  });
});
