// The monthly cost of a synthesized template, in us-east-1, for a number of profiles: every billed resource is read
// from the template (instance classes, Multi-AZ, storage, instances and their public addresses, NAT Gateways,
// secrets, alarms, dashboards, and economy mode's wake and sleep schedules for the hours things run). What the
// template cannot say (how many custom metrics a run sends, how long it runs, how much it logs) comes from the code's
// own metric names and a stated estimate per run. `npm run cost` prints it for every documented configuration.
import { PLATFORM_METRICS, RUN_METRICS } from '../lambda/core/metric-names';
import { ALWAYS_FREE, DAYS_PER_MONTH, HOURS_PER_MONTH, PRICES, RDS_INSTANCE_HOUR } from './prices';

// Template properties are CloudFormation's JSON, read field by field below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resource = { Type: string; Properties?: Record<string, any>; Condition?: string };
export interface TemplateJson {
  Resources: Record<string, Resource>;
  Conditions?: Record<string, unknown>;
}

export interface LineItem {
  what: string;
  usd: number;
  /** Part of CloudWatch's always-free allowance, when the account has it to spare. */
  freeUsd?: number;
}

export interface CostEstimate {
  items: LineItem[];
  /** Monthly total when the account's CloudWatch and Lambda always-free allowance covers what it can. */
  withAllowance: number;
  /** Monthly total when other workloads already use that allowance. */
  withoutAllowance: number;
}

/** The root volume of Amazon Linux 2023 images (GiB), used when the template does not size it. */
export const AMAZON_LINUX_ROOT_GIB = 8;
/** Estimates per daily run, stated here because no template says them. */
export const RUN_ESTIMATE = {
  /** Seconds of the collect function per run: a few for the setup, and the profiles in parallel batches. */
  secondsPerRun: (profiles: number) => 5 + Math.ceil(profiles / 25) * 3,
  /** Log bytes a run writes, and per profile. */
  logBytesPerRun: (profiles: number) => 20_000 + profiles * 3_000,
};

const DAY_MINUTES = 1440;

const WEEK_MINUTES = 7 * DAY_MINUTES;
const CRON_DAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

/** The minutes of the week a schedule fires at: `cron(M H * * ? *)` daily, or `cron(M H ? * DAYS *)`. */
function firingsInWeek(expression: string): number[] {
  const match = /^cron\((\d+) (\d+) (\*|\?) \* (\?|[A-Z,]+) \*\)$/.exec(expression);
  if (!match) throw new Error(`Cannot read the schedule ${expression}`);
  const time = Number(match[2]) * 60 + Number(match[1]);
  const days = match[4] === '?' ? [0, 1, 2, 3, 4, 5, 6] : match[4].split(',').map((d) => CRON_DAYS.indexOf(d));
  return days.map((day) => day * DAY_MINUTES + time);
}

/**
 * Minutes a day (averaged over a week) a resource runs, from economy mode's schedules: each start until the next stop
 * in the same time zone. Without schedules, the whole day.
 */
export function awakeMinutesPerDay(template: TemplateJson, logicalId: string, service: 'rds' | 'ec2'): number {
  const events = Object.values(template.Resources).flatMap((r) => {
    if (r.Type !== 'AWS::Scheduler::Schedule') return [];
    const props = r.Properties!;
    const match = /:aws-sdk:(rds|ec2):(start|stop)\w+/.exec(JSON.stringify(props.Target.Arn));
    if (!match || match[1] !== service || !JSON.stringify(props.Target.Input).includes(`"Ref":"${logicalId}"`))
      return [];
    const zone = String(props.ScheduleExpressionTimezone);
    return firingsInWeek(props.ScheduleExpression).map((at) => ({ zone, at, start: match[2] === 'start' }));
  });
  if (events.length === 0) return DAY_MINUTES;
  let minutes = 0;
  for (const start of events.filter((e) => e.start)) {
    const stops = events.filter((e) => !e.start && e.zone === start.zone);
    if (stops.length === 0) throw new Error(`A ${service} start in ${start.zone} has no stop`);
    // The first stop after this start, going round the week.
    minutes += Math.min(...stops.map((stop) => (stop.at - start.at + WEEK_MINUTES) % WEEK_MINUTES));
  }
  return Math.min(minutes / 7, DAY_MINUTES);
}

/** The instance class, resolving the region condition for us-east-1 (where the default class is offered). */
function instanceClass(value: unknown): string {
  if (typeof value === 'string') return value;
  const choice = (value as { 'Fn::If'?: [string, string, string] })['Fn::If'];
  if (choice) return choice[2];
  throw new Error(`Cannot read the instance class ${JSON.stringify(value)}`);
}

const hours = (minutesPerDay: number) => (minutesPerDay / 60) * DAYS_PER_MONTH;
const round = (usd: number) => Math.round(usd * 100) / 100;

export function estimateMonthlyCost(template: TemplateJson, profiles: number): CostEstimate {
  const items: LineItem[] = [];
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);

  for (const [id, db] of ofType('AWS::RDS::DBInstance')) {
    const p = db.Properties!;
    const cls = instanceClass(p.DBInstanceClass);
    const hourly = RDS_INSTANCE_HOUR[cls];
    if (!hourly) throw new Error(`No price for ${cls}: add it to lib/prices.ts`);
    const copies = p.MultiAZ ? 2 : 1;
    const awake = awakeMinutesPerDay(template, id, 'rds');
    const runHours = hours(awake);
    items.push({
      what: `RDS ${cls}${p.MultiAZ ? ' Multi-AZ' : ''}, ${Math.round(runHours)} h`,
      usd: runHours * hourly.usd * copies,
    });
    const gib = Number(p.AllocatedStorage);
    items.push({ what: `RDS ${gib} GB gp3 storage`, usd: gib * PRICES.rdsGp3Storage.usd * copies });
  }

  for (const [id, instance] of ofType('AWS::EC2::Instance')) {
    const p = instance.Properties!;
    const type = String(p.InstanceType);
    const hourly = PRICES.ec2InstanceHour[type];
    if (!hourly) throw new Error(`No price for ${type}: add it to lib/prices.ts`);
    const runHours = hours(awakeMinutesPerDay(template, id, 'ec2'));
    const role = /Nat/.test(id) ? 'NAT instance' : 'SQL access host';
    items.push({ what: `${role} ${type}, ${Math.round(runHours)} h`, usd: runHours * hourly.usd });
    const volume = (p.BlockDeviceMappings ?? [])[0]?.Ebs?.VolumeSize ?? AMAZON_LINUX_ROOT_GIB;
    items.push({ what: `${role} ${volume} GB gp3 disk`, usd: Number(volume) * PRICES.ebsGp3.usd });
    const interfaces: Array<{ AssociatePublicIpAddress?: boolean }> = p.NetworkInterfaces ?? [];
    const publicAddress = interfaces.some((n) => n.AssociatePublicIpAddress === true);
    // An auto-assigned public IPv4 address is billed while the instance runs, and released when it stops.
    if (publicAddress)
      items.push({ what: `${role} public IPv4, ${Math.round(runHours)} h`, usd: runHours * PRICES.publicIpv4Hour.usd });
  }

  const gateways = ofType('AWS::EC2::NatGateway').length;
  if (gateways > 0) {
    items.push({ what: `NAT Gateway x${gateways}`, usd: gateways * HOURS_PER_MONTH * PRICES.natGatewayHour.usd });
    // Its Elastic IP is a public IPv4 address, billed every hour.
    items.push({
      what: `NAT Gateway public IPv4 x${gateways}`,
      usd: gateways * HOURS_PER_MONTH * PRICES.publicIpv4Hour.usd,
    });
  }

  const secrets = ofType('AWS::SecretsManager::Secret').length;
  items.push({ what: `Secrets Manager, ${secrets} secrets`, usd: secrets * PRICES.secret.usd });

  const alarms = ofType('AWS::CloudWatch::Alarm').length;
  items.push(allowanced(`CloudWatch, ${alarms} alarms`, alarms, ALWAYS_FREE.alarms, PRICES.alarm.usd));
  const dashboards = ofType('AWS::CloudWatch::Dashboard').length;
  items.push(
    allowanced(`CloudWatch, ${dashboards} dashboard`, dashboards, ALWAYS_FREE.dashboards, PRICES.dashboard.usd),
  );

  // Custom metrics: per profile and platform, and per run; each sent once a day, so billed one hour a day.
  const platforms = collectorPlatforms(template);
  const metrics = profiles * platforms * Object.keys(PLATFORM_METRICS).length + Object.keys(RUN_METRICS).length;
  const metricMonths = (metrics * DAYS_PER_MONTH) / HOURS_PER_MONTH;
  items.push(
    allowanced(
      `CloudWatch, ${metrics} custom metrics (sent once a day)`,
      metricMonths,
      ALWAYS_FREE.customMetrics,
      PRICES.customMetric.usd,
    ),
  );

  const logGb = (RUN_ESTIMATE.logBytesPerRun(profiles) * DAYS_PER_MONTH) / 1e9;
  items.push(allowanced('CloudWatch Logs (estimate)', logGb, ALWAYS_FREE.logGb, PRICES.logIngestion.usd));
  const gbSeconds = RUN_ESTIMATE.secondsPerRun(profiles) * 0.5 * DAYS_PER_MONTH;
  items.push(allowanced('Lambda (estimate)', gbSeconds, ALWAYS_FREE.lambdaGbSeconds, PRICES.lambdaArmGbSecond.usd));

  const withoutAllowance = round(items.reduce((sum, i) => sum + i.usd, 0));
  const withAllowance = round(items.reduce((sum, i) => sum + i.usd - (i.freeUsd ?? 0), 0));
  return {
    items: items.map((i) => ({ ...i, usd: round(i.usd), ...(i.freeUsd ? { freeUsd: round(i.freeUsd) } : {}) })),
    withAllowance,
    withoutAllowance,
  };
}

/** A line whose first `free` units the always-free allowance covers. */
function allowanced(what: string, units: number, free: number, unitPrice: number): LineItem {
  const usd = units * unitPrice;
  return { what, usd, freeUsd: Math.min(units, free) * unitPrice };
}

/** How many platforms the collector asks, from its environment in the template. */
function collectorPlatforms(template: TemplateJson): number {
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::Lambda::Function' || !/^CollectorCollect/.test(id)) continue;
    const list = r.Properties?.Environment?.Variables?.TRACKER_PLATFORMS;
    if (typeof list === 'string') return list.split(',').length;
  }
  throw new Error('The template has no collector with TRACKER_PLATFORMS');
}
