// The us-east-1 prices the cost model (lib/cost-model.ts, `npm run cost`) uses, each written once with its source
// and the date it was taken. On-Demand, no Savings Plan or reservation, in US dollars. Change a price here and
// `npm run cost -- --update-readme` rewrites the table in docs/DEPLOY.md from it.

export interface Price {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
  /** When the figure was taken from the source. */
  readonly date: string;
}

const TAKEN = '2026-12-02';
const RDS = 'https://aws.amazon.com/rds/postgresql/pricing/ (us-east-1, Single-AZ On-Demand; Multi-AZ is twice)';
const EC2 = 'https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)';
const VPC = 'https://aws.amazon.com/vpc/pricing/ (us-east-1)';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/ (us-east-1, standard resolution)';

const price = (usd: number, per: string, source: string): Price => ({ usd, per, source, date: TAKEN });

/** RDS for PostgreSQL instance hours, by class. */
export const RDS_INSTANCE_HOUR: Record<string, Price> = {
  'db.t4g.micro': price(0.016, 'hour', RDS),
  'db.t3.micro': price(0.018, 'hour', RDS),
  'db.t4g.small': price(0.032, 'hour', RDS),
  'db.t4g.medium': price(0.065, 'hour', RDS),
  'db.t4g.large': price(0.129, 'hour', RDS),
};

export const PRICES = {
  rdsGp3Storage: price(0.115, 'GB-month', RDS),
  ec2InstanceHour: { 't4g.nano': price(0.0042, 'hour', EC2) } as Record<string, Price>,
  ebsGp3: price(0.08, 'GB-month', 'https://aws.amazon.com/ebs/pricing/ (us-east-1)'),
  publicIpv4Hour: price(0.005, 'hour', `${VPC}: every public IPv4 address, in use or idle, since 2024-02-01`),
  natGatewayHour: price(0.045, 'hour', VPC),
  natGatewayGb: price(0.045, 'GB processed', VPC),
  secret: price(0.4, 'secret-month', 'https://aws.amazon.com/secrets-manager/pricing/'),
  alarm: price(0.1, 'alarm-month', CLOUDWATCH),
  dashboard: price(3, 'dashboard-month', CLOUDWATCH),
  customMetric: price(0.3, 'metric-month, prorated by the hour it is sent in', CLOUDWATCH),
  logIngestion: price(0.5, 'GB ingested', CLOUDWATCH),
  lambdaArmGbSecond: price(0.0000133334, 'GB-second (arm64)', 'https://aws.amazon.com/lambda/pricing/'),
  lambdaRequest: price(0.2 / 1_000_000, 'request', 'https://aws.amazon.com/lambda/pricing/'),
} as const;

/** What AWS gives every account each month, for good (not the 12-month free tier), per CLOUDWATCH and Lambda's page. */
export const ALWAYS_FREE = {
  alarms: 10,
  dashboards: 3,
  customMetrics: 10,
  logGb: 5,
  lambdaGbSeconds: 400_000,
  lambdaRequests: 1_000_000,
} as const;

/** Hours in an average month (AWS bills 730). */
export const HOURS_PER_MONTH = 730;
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
