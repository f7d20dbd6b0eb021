// Economy mode from the command line: is the deployed database awake, and waking it on request. Remote commands
// (report, sql, doctor) read the stack's outputs; when the stack runs in economy mode and the database or the NAT
// instance sleeps, they say so and stop, unless the user asked for --wake: then both are started and waited for, with
// progress. Nothing here ever starts anything unasked. CLI code: the deployed functions never import it.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeInstancesCommand, EC2Client, StartInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, RDSClient, StartDBInstanceCommand } from '@aws-sdk/client-rds';
import { errorMessage, TrackerError } from '../../lambda/core/errors';

export interface PowerClients {
  cloudFormation?: CloudFormationClient;
  rds?: RDSClient;
  ec2?: EC2Client;
}

export interface PowerOptions {
  stackName: string;
  region?: string;
  clients?: PowerClients;
  /** Progress lines (stderr). */
  progress?: (line: string) => void;
  /** How often the state is read while waking. @default 15 s */
  pollMs?: number;
  /** Give up waking after this long. @default 20 minutes */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** What economy mode looks like right now. */
export interface PowerState {
  economy: boolean;
  databaseId?: string;
  /** RDS's status: available, stopped, starting, stopping, backing-up, ... */
  database?: string;
  natId?: string;
  /** EC2's state: running, stopped, pending, stopping, ... */
  nat?: string;
}

const PERMISSIONS_HINT =
  'Your AWS credentials need cloudformation:DescribeStacks, rds:DescribeDBInstances and ec2:DescribeInstances ' +
  '(and rds:StartDBInstance, ec2:StartInstances to wake them).';

function clientsFor(options: PowerOptions): Required<PowerClients> {
  const config = options.region ? { region: options.region } : {};
  return {
    cloudFormation: options.clients?.cloudFormation ?? new CloudFormationClient(config),
    rds: options.clients?.rds ?? new RDSClient(config),
    ec2: options.clients?.ec2 ?? new EC2Client(config),
  };
}

/**
 * Reads the stack's outputs (unless the caller read them already), then, in economy mode only, the database's status
 * and the NAT instance's state.
 */
export async function readPowerState(
  options: PowerOptions & { outputs?: (key: string) => string | undefined },
): Promise<PowerState> {
  const { cloudFormation, rds, ec2 } = clientsFor(options);
  try {
    let output = options.outputs;
    if (!output) {
      const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: options.stackName }));
      output = (key: string) => Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
    }
    if (output('EconomyMode') !== 'true') return { economy: false };
    const databaseId = output('DatabaseInstanceId');
    const natId = output('NatInstanceId');
    const state: PowerState = { economy: true, databaseId, natId };
    if (databaseId) {
      const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: databaseId }));
      state.database = DBInstances?.[0]?.DBInstanceStatus;
    }
    if (natId) {
      const { Reservations } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [natId] }));
      state.nat = Reservations?.[0]?.Instances?.[0]?.State?.Name;
    }
    return state;
  } catch (error) {
    throw new TrackerError(`Could not read whether the deployment is awake: ${errorMessage(error)}`, PERMISSIONS_HINT);
  }
}

/** Awake: the database available and the NAT instance (if any) running. */
export function isAwake(state: PowerState): boolean {
  return !state.economy || (state.database === 'available' && (state.natId === undefined || state.nat === 'running'));
}

export function describeSleep(state: PowerState): string {
  const parts = [`the database is ${state.database ?? 'unknown'}`];
  if (state.natId) parts.push(`the NAT instance is ${state.nat ?? 'unknown'}`);
  return parts.join(', ');
}

/** Thrown when a remote command finds the deployment asleep and was not asked to wake it. */
export class AsleepError extends TrackerError {
  constructor(state: PowerState) {
    super(
      `The deployment is asleep (economy mode): ${describeSleep(state)}. It wakes by itself for the daily run and ` +
        'its backup.',
      'Add --wake to start it now and wait (about 5 to 10 minutes), or run `npx ayrshare-tracker wake`. It goes ' +
        'back to sleep at the end of the next run window.',
    );
    this.name = 'AsleepError';
  }
}

/**
 * Before a remote command: nothing to do outside economy mode or when awake; asleep, an AsleepError unless `wake`,
 * in which case both are started and waited for.
 */
export async function ensureAwake(
  options: PowerOptions & { wake?: boolean; outputs?: (key: string) => string | undefined },
): Promise<PowerState> {
  const state = await readPowerState(options);
  if (isAwake(state)) return state;
  if (!options.wake) throw new AsleepError(state);
  return wakeDeployment(options, state);
}

/** Starts whatever sleeps and waits until the database is available and the NAT instance runs. */
export async function wakeDeployment(options: PowerOptions, known?: PowerState): Promise<PowerState> {
  const { rds, ec2 } = clientsFor(options);
  const progress = options.progress ?? (() => undefined);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  let state = known ?? (await readPowerState(options));
  if (!state.economy) {
    progress('This stack does not run in economy mode: the database and the NAT instance never sleep.');
    return state;
  }
  const started = now();
  const timeoutMs = options.timeoutMs ?? 20 * 60_000;
  while (!isAwake(state)) {
    // Whatever is stopped is started; whatever is still stopping is started once it has stopped.
    try {
      if (state.databaseId && state.database === 'stopped') {
        await rds.send(new StartDBInstanceCommand({ DBInstanceIdentifier: state.databaseId }));
        progress('Starting the database (RDS usually takes 5 to 10 minutes).');
      }
      if (state.natId && state.nat === 'stopped') {
        await ec2.send(new StartInstancesCommand({ InstanceIds: [state.natId] }));
        progress('Starting the NAT instance.');
      }
    } catch (error) {
      throw new TrackerError(`Could not start the deployment: ${errorMessage(error)}`, PERMISSIONS_HINT);
    }
    const elapsed = now() - started;
    if (elapsed >= timeoutMs) {
      throw new TrackerError(
        `The deployment did not wake within ${Math.round(timeoutMs / 60_000)} minutes: ${describeSleep(state)}.`,
        'Look at the database in the RDS console (Events) and try again.',
      );
    }
    progress(`Waiting (${Math.round(elapsed / 1000)} s): ${describeSleep(state)}.`);
    await sleep(options.pollMs ?? 15_000);
    state = await readPowerState(options);
  }
  progress('Awake: the database is available' + (state.natId ? ' and the NAT instance is running.' : '.'));
  return state;
}
