// Every setting of the tracker, declared once: its environment variable (the CLI's, and the function's when the stack
// passes it on), its CDK context key, its field in the Ayrshare secret, its default, its range and what it does. The
// schemas of the local environment, the CDK context, the function's environment and the Ayrshare secret, the
// collector's props, `--help` and docs/CONFIGURATION.md (npm run docs) are all made from this table.
import * as z from 'zod';
import { DEFAULT_BASE_URL, DEFAULT_SCHEDULE, DEFAULT_TIME_ZONE } from './defaults';
import { PLATFORMS } from './platform-names';
import {
  baseUrlSchema,
  digestDaySchema,
  headerSafeSecret,
  platformListSchema,
  profileNameSchema,
  timeZoneSchema,
} from './schemas';

export interface Setting<S extends z.ZodType = z.ZodType> {
  /** The environment variable: the CLI reads it, and so does the function when `toFunction` is set. */
  readonly env?: string;
  /** Read by the CLI from its environment. */
  readonly cli?: boolean;
  /** The CDK context key (`-c key=value` or cdk.json). */
  readonly context?: string;
  /** The stack passes the context value on to the collector's environment (under `env`). */
  readonly toFunction?: boolean;
  /** The field of the Ayrshare secret in Secrets Manager that holds the same value when deployed. */
  readonly secretField?: string;
  /** Never repeated in a message: keys, Profile-Keys, URLs that may hold a password. */
  readonly sensitive?: boolean;
  /** Parses the value as text (environment, -c) or as JSON (cdk.json). */
  readonly schema: S;
  readonly default?: z.output<S>;
  /** The values it takes, for people. */
  readonly range: string;
  /** One line: what it does. */
  readonly description: string;
}

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], {
  message: 'must be true or false',
});
const onOff = z.union(
  [z.boolean(), z.enum(['on', 'off', 'true', 'false']).transform((v) => v === 'on' || v === 'true')],
  { message: 'must be on or off' },
);
const wholeNumber = (min: number, max: number) => ({
  schema: z.coerce
    .number()
    .int('must be a whole number')
    .min(min, `must be ${min} to ${max}`)
    .max(max, `must be ${min} to ${max}`),
  range: `${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`,
});
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, meaning: string) => ({
  schema: z.enum(values, { message: `must be ${values.map((v) => `"${v}"`).join(' or ')} (${meaning})` }),
  range: values.join(' | '),
});
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));
const text = (check: (v: string) => boolean, message: string) =>
  optionalText.refine((v) => v === undefined || check(v), message);
/** A comma-separated list (environment, -c) or a JSON array (cdk.json). */
const platformList = z
  .union([z.string(), z.array(z.string()).transform((list) => list.join(','))])
  .pipe(platformListSchema);

const setting = <const T extends Setting>(declared: T): T => declared;

const emailSchema = z
  .string()
  .trim()
  .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an email address');
/** `{"profile": ["email", ...]}`, as JSON text (-c) or JSON (cdk.json). */
const recipientsSchema = z
  .union([
    z.string().transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON such as {"acme": ["client@acme.example"]}' });
        return z.NEVER;
      }
    }),
    z.record(z.string(), z.unknown()),
  ])
  .pipe(
    z.record(profileNameSchema, z.array(emailSchema).min(1, 'lists no email address').max(50, 'lists more than 50'), {
      message: 'must map profile names to lists of email addresses',
    }),
  );

export const SETTINGS = {
  // ---- Ayrshare: the keys (environment locally, the secret when deployed) ----------------------------------------
  apiKey: setting({
    env: 'AYRSHARE_API_KEY',
    cli: true,
    secretField: 'apiKey',
    sensitive: true,
    schema: headerSafeSecret,
    range: 'text',
    description: 'Your Ayrshare API key (Ayrshare dashboard > API Key).',
  }),
  profileKey: setting({
    env: 'AYRSHARE_PROFILE_KEY',
    cli: true,
    secretField: 'profileKey',
    sensitive: true,
    schema: headerSafeSecret,
    range: 'text',
    description: "One profile's Profile-Key (Business plan); unset: the account's primary profile.",
  }),
  profileName: setting({
    env: 'AYRSHARE_PROFILE_NAME',
    cli: true,
    secretField: 'name',
    schema: profileNameSchema,
    range: '1 to 100 characters',
    description: 'The name stored for that profile (default: primary).',
  }),
  profiles: setting({
    env: 'AYRSHARE_PROFILES',
    cli: true,
    secretField: 'profiles',
    sensitive: true,
    schema: z.string(),
    range: 'JSON list',
    description: 'Several profiles: [{"name": "brand", "profileKey": "..."}, ...]; instead of the two above.',
  }),
  xApiKey: setting({
    env: 'AYRSHARE_X_API_KEY',
    cli: true,
    secretField: 'xApiKey',
    sensitive: true,
    schema: headerSafeSecret,
    range: 'text',
    description: "X/Twitter: your X app's API key (X needs both, since 2026).",
  }),
  xApiSecret: setting({
    env: 'AYRSHARE_X_API_SECRET',
    cli: true,
    secretField: 'xApiSecret',
    sensitive: true,
    schema: headerSafeSecret,
    range: 'text',
    description: "X/Twitter: your X app's API secret.",
  }),
  baseUrl: setting({
    env: 'AYRSHARE_BASE_URL',
    cli: true,
    sensitive: true,
    schema: baseUrlSchema,
    default: DEFAULT_BASE_URL,
    range: 'http(s) URL',
    description: "Ayrshare's address (tests point it at a local stand-in).",
  }),
  // ---- What is collected, and how ---------------------------------------------------------------------------------
  platforms: setting({
    env: 'TRACKER_PLATFORMS',
    cli: true,
    context: 'platforms',
    toFunction: true,
    schema: platformList,
    default: [...PLATFORMS],
    range: 'comma-separated platform names',
    description: 'The platforms collected.',
  }),
  posts: setting({
    env: 'TRACKER_POSTS',
    cli: true,
    context: 'posts',
    toFunction: true,
    schema: onOff,
    default: true,
    range: 'on | off',
    description: "Also collect each network's recent posts and their metrics (one more request per network).",
  }),
  timeZone: setting({
    env: 'TRACKER_TIMEZONE',
    cli: true,
    context: 'timeZone',
    toFunction: true,
    schema: timeZoneSchema,
    default: DEFAULT_TIME_ZONE,
    range: 'IANA time zone',
    description: 'The zone that decides the snapshot date and the schedule (DST-correct).',
  }),
  anomalyThreshold: setting({
    env: 'TRACKER_ANOMALY_THRESHOLD',
    cli: true,
    context: 'anomalyThreshold',
    toFunction: true,
    schema: z.coerce
      .number({ message: 'must be a number such as 0.5 (for 50 %)' })
      .gt(0, 'must be more than 0 (a share: 0.5 means 50 %)')
      .max(100, 'must be at most 100 (a share: 0.5 means 50 %)'),
    default: 0.5,
    range: 'more than 0, at most 100',
    description: 'A follower count moving more than this share of the previous one is flagged (0.5 = 50 %).',
  }),
  concurrency: setting({
    env: 'TRACKER_CONCURRENCY',
    cli: true,
    context: 'concurrency',
    toFunction: true,
    schema: z.coerce
      .number({ message: 'must be a whole number from 1 to 100' })
      .int('must be a whole number from 1 to 100')
      .min(1, 'must be a whole number from 1 to 100')
      .max(100, 'must be a whole number from 1 to 100'),
    default: 25,
    range: '1 to 100',
    description: 'Profiles fetched at the same time (Ayrshare limits each profile, not the account).',
  }),
  maxAnswerMegabytes: setting({
    env: 'TRACKER_MAX_ANSWER_MB',
    cli: true,
    context: 'maxAnswerMegabytes',
    toFunction: true,
    schema: z.coerce
      .number({ message: 'must be a whole number of megabytes from 1 to 512' })
      .int('must be a whole number of megabytes from 1 to 512')
      .min(1, 'must be a whole number of megabytes from 1 to 512')
      .max(512, 'must be a whole number of megabytes from 1 to 512'),
    range: '1 to 512',
    description: "Ayrshare answers larger than this are refused (unset: 8 MB, the client's default).",
  }),
  // ---- Local only -------------------------------------------------------------------------------------------------
  databaseUrl: setting({
    env: 'DATABASE_URL',
    cli: true,
    sensitive: true,
    range: 'postgres:// URL',
    schema: z
      .string()
      .trim()
      .refine(
        (u) => /^postgres(ql)?:\/\//.test(u) && URL.canParse(u),
        'must be a postgres:// or postgresql:// connection URL',
      ),
    description: 'Your own PostgreSQL 14+ instead of the embedded one under TRACKER_DATA_DIR.',
  }),
  dataDir: setting({
    env: 'TRACKER_DATA_DIR',
    cli: true,
    schema: z.string().trim().min(1),
    range: 'folder',
    description: 'Where the embedded PostgreSQL keeps its data and the demo its report (default: .data/).',
  }),
  branding: setting({
    env: 'TRACKER_BRANDING',
    cli: true,
    schema: optionalText,
    range: 'JSON file',
    description:
      'Per-profile branding of HTML and PDF reports (display name, logo, accent colour, footer); docs/CLIENT-REPORTS.md.',
  }),
  // ---- The stack (CDK context) ------------------------------------------------------------------------------------
  alertEmail: setting({
    context: 'alertEmail',
    schema: text((v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v), 'must be an email address'),
    range: 'email address',
    description: 'Who gets the alerts, the alarms and the weekly digest.',
  }),
  scheduleHour: setting({
    context: 'scheduleHour',
    ...wholeNumber(0, 23),
    default: DEFAULT_SCHEDULE.hour,
    description: 'The hour of the daily run, in timeZone.',
  }),
  scheduleMinute: setting({
    context: 'scheduleMinute',
    ...wholeNumber(0, 59),
    default: DEFAULT_SCHEDULE.minute,
    description: 'The minute of the daily run.',
  }),
  weeklyDigest: setting({
    env: 'TRACKER_DIGEST_DAY',
    context: 'weeklyDigest',
    toFunction: true,
    schema: digestDaySchema,
    default: 'monday' as const,
    range: 'a weekday, or off',
    description: "The weekday whose run also emails last week's growth.",
  }),
  databaseInstanceType: setting({
    context: 'databaseInstanceType',
    schema: text(
      (v) => /^[a-z][a-z0-9]*\.[a-z0-9]+$/.test(v),
      'must be an instance type such as t4g.micro (without the "db." prefix)',
    ),
    range: 'RDS class without "db."',
    description: 'The database class (unset: t4g.micro, or t3.micro where RDS has no t4g).',
  }),
  databaseStorageGiB: setting({
    context: 'databaseStorageGiB',
    ...wholeNumber(20, 16384),
    default: 20,
    description: 'The database disk, in GiB (gp3).',
  }),
  multiAz: setting({
    context: 'multiAz',
    schema: flag,
    default: false,
    range: 'true | false',
    description: 'A standby database in a second zone (doubles its cost).',
  }),
  deletionProtection: setting({
    context: 'deletionProtection',
    schema: flag,
    default: true,
    range: 'true | false',
    description: 'Keep the database from being deleted; false to tear the stack down.',
  }),
  nat: setting({
    context: 'nat',
    ...oneOf(['instance', 'gateway'], 'a small NAT instance, or a managed NAT Gateway'),
    default: 'instance' as const,
    description: "How the functions reach Ayrshare from the VPC's private subnets.",
  }),
  sqlAccess: setting({
    context: 'sqlAccess',
    ...oneOf(['off', 'ssm'], 'no access from outside the VPC, or a Session Manager port'),
    default: 'off' as const,
    description: 'A Session Manager port forward to the database for BI tools.',
  }),
  vpcId: setting({
    context: 'vpcId',
    schema: text((v) => /^vpc-[0-9a-f]{8,17}$/.test(v), 'must be a VPC id such as vpc-0123456789abcdef0'),
    range: 'vpc-...',
    description: 'Deploy into this existing VPC instead of a new one.',
  }),
  ayrshareSecretName: setting({
    context: 'ayrshareSecretName',
    schema: optionalText,
    range: 'secret name',
    description: 'Read the keys from this existing secret instead of the one the stack creates.',
  }),
  fanOutAbove: setting({
    env: 'TRACKER_FANOUT_ABOVE',
    toFunction: true,
    context: 'fanOutAbove',
    ...wholeNumber(1, 100_000),
    default: 200,
    description: 'A run with more profiles than this goes out through SQS in chunks.',
  }),
  fanOutChunk: setting({
    env: 'TRACKER_FANOUT_CHUNK',
    toFunction: true,
    context: 'fanOutChunk',
    ...wholeNumber(1, 1_000),
    default: 50,
    description: 'Profiles per fan-out chunk.',
  }),
  fanOutConcurrency: setting({
    // Lambda's SQS event source runs between 2 and 1,000 invocations at a time.
    context: 'fanOutConcurrency',
    ...wholeNumber(2, 1_000),
    default: 2,
    description: 'Chunks collected at the same time (each holds a database connection).',
  }),
  economy: setting({
    context: 'economy',
    schema: flag,
    default: false,
    range: 'true | false',
    description: 'The database and the NAT instance sleep outside a daily window around the run.',
  }),
  backupWindow: setting({
    context: 'backupWindow',
    schema: optionalText,
    range: 'hh24:mi-hh24:mi (UTC)',
    description: "RDS's daily backup window (unset: computed from the schedule).",
  }),
  maintenanceWindow: setting({
    context: 'maintenanceWindow',
    schema: optionalText,
    range: 'ddd:hh24:mi-ddd:hh24:mi (UTC)',
    description: "RDS's weekly maintenance window (unset: computed from the schedule).",
  }),
  reportEvery: setting({
    context: 'reportEvery',
    ...oneOf(['month', 'week', 'off'], "each client's report of the previous month, of the previous week, or none"),
    default: 'month' as const,
    description: 'Client reports rendered as HTML and PDF into the reports bucket and emailed as a link.',
  }),
  reportReview: setting({
    context: 'reportReview',
    schema: flag,
    default: false,
    range: 'true | false',
    description: 'Send the report links to alertEmail first; `report send --period P --remote` sends them to clients.',
  }),
  reportRecipients: setting({
    context: 'reportRecipients',
    schema: recipientsSchema,
    default: {},
    range: 'JSON: {"profile": ["email", ...]}',
    description: "Who gets each profile's report link: a client gets only their own profile's.",
  }),
  reportRetentionDays: setting({
    context: 'reportRetentionDays',
    ...wholeNumber(30, 3650),
    default: 400,
    description: 'Days the reports bucket keeps a report before deleting it.',
  }),
  reportLinkDays: setting({
    context: 'reportLinkDays',
    ...wholeNumber(7, 90),
    default: 14,
    description:
      'Days a report link in an email works (signed, for that one report; it does not depend on AWS sessions).',
  }),
  imageGeneration: setting({
    context: 'imageGeneration',
    ...wholeNumber(1, 1_000_000),
    default: 1,
    description: 'Raise it to replace the NAT and SQL access instances with the current image.',
  }),
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;
type Declared = typeof SETTINGS;
/** A setting's parsed value (with its default applied when it has one). */
export type SettingValue<K extends SettingName> = Declared[K] extends { default: unknown }
  ? z.output<Declared[K]['schema']>
  : z.output<Declared[K]['schema']> | undefined;

type KeysWhere<Condition> = { [K in SettingName]: Declared[K] extends Condition ? K : never }[SettingName];
/** The settings of the CDK context, and those the stack passes on to the collector. */
export type ContextSettingName = KeysWhere<{ context: string }>;
export type FunctionSettingName = KeysWhere<{ toFunction: true }>;
export type CliSettingName = KeysWhere<{ cli: true }>;

/** The values the collector gets from the stack: its construct props are exactly these. */
export type FunctionSettings = { [K in FunctionSettingName]: SettingValue<K> };

const names = Object.keys(SETTINGS) as SettingName[];
/** A declaration as the common shape, for the code that walks them all. */
const declaredAs = (name: SettingName): Setting => SETTINGS[name];
const where = (test: (s: Setting) => unknown) => names.filter((name) => test(declaredAs(name)));

function field<K extends SettingName>(name: K): z.ZodType {
  const declared: Setting = declaredAs(name);
  return declared.default === undefined ? declared.schema.optional() : declared.schema.default(declared.default);
}

/** Parsed values of some settings, by setting name. */
export type SettingValues<N extends SettingName> = { [K in N]: SettingValue<K> };

/**
 * One zod object over the settings `chosen`, keyed by where they come from (a variable, a context key), whose output
 * is keyed by setting name: messages name what the user typed, code reads `anomalyThreshold`.
 */
function schemaOver<N extends SettingName>(chosen: N[], keyOf: (s: Setting) => string) {
  const shape = Object.fromEntries(chosen.map((name) => [keyOf(declaredAs(name)), field(name)]));
  return z.object(shape).transform((parsed) => {
    const values = Object.fromEntries(chosen.map((name) => [name, parsed[keyOf(declaredAs(name))]]));
    // Each key's schema is the setting's own (field above), so the renamed object is exactly SettingValues<N>.
    return values as SettingValues<N>;
  });
}

/** The CDK context (values from -c arrive as text, from cdk.json as JSON); context keys are the settings' names. */
export const contextSettingsSchema = schemaOver(where((s) => s.context) as ContextSettingName[], (s) => s.context!);
/** The CLI's environment: every setting it reads, by variable. */
export const cliSettingsSchema = schemaOver(where((s) => s.cli) as CliSettingName[], (s) => s.env!);
/** What the collector reads from its environment: what the stack passes on, and Ayrshare's address (tests). */
const FUNCTION_SETTINGS = where((s) => s.toFunction) as FunctionSettingName[];
export const functionSettingsSchema = schemaOver([...FUNCTION_SETTINGS, 'baseUrl' as const], (s) => s.env!);

/** The function's environment for the settings the stack passes on: a list joined by commas, unset ones left out. */
export function functionEnvironment(values: FunctionSettings): Record<string, string> {
  // By the declared list, not the object's keys: the stack hands over its whole configuration, of which only the
  // function's settings become variables.
  const entries = FUNCTION_SETTINGS.flatMap((name) => {
    const value: unknown = values[name];
    if (value === undefined) return [];
    return [[declaredAs(name).env, Array.isArray(value) ? value.join(',') : String(value)] as const];
  });
  return Object.fromEntries(entries);
}

/** The variables whose values no message repeats. */
export const SENSITIVE_VARIABLES: ReadonlySet<string> = new Set(
  where((s) => s.sensitive && s.env).map((n) => declaredAs(n).env!),
);

/** The fields of the Ayrshare secret: its schema (lambda/core/deployed-config) must declare exactly these. */
export type SecretField = {
  [K in SettingName]: Declared[K] extends { secretField: infer F extends string } ? F : never;
}[SettingName];

/** `--help`'s list of environment variables, one per line. */
export function environmentHelp(): string {
  const rows = where((s) => s.cli).map((name) => [declaredAs(name).env!, declaredAs(name).description] as const);
  const width = Math.max(...rows.map(([env]) => env.length));
  return rows.map(([env, description]) => `  ${env.padEnd(width)}  ${description}`).join('\n');
}

/** docs/CONFIGURATION.md, generated (npm run docs): one row per setting. */
export function renderConfigurationMarkdown(): string {
  const code = (value?: string) => (value ? `\`${value}\`` : '');
  const cell = (value: string) => value.replace(/\|/g, '\\|');
  const shown = (value: unknown) =>
    value === undefined ? '' : code(Array.isArray(value) ? value.join(',') : String(value));
  const rows = names.map((name) => {
    const s = declaredAs(name);
    const env = s.env ? code(s.env) + (s.cli ? '' : ' (function only)') : '';
    const cells = [
      name,
      env,
      code(s.context),
      code(s.secretField),
      shown(s.default),
      cell(s.range),
      cell(s.description),
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return [
    '# Configuration',
    '',
    '<!-- Generated from lambda/core/settings.ts by `npm run docs`; a test fails when this file is stale. -->',
    '',
    'Every setting of the tracker. Locally the CLI reads the **environment** variables; deployed, the stack reads the',
    '**CDK context** (`-c key=value` or `cdk.json`) and passes what the collector needs into its environment, and the',
    "Ayrshare keys live in the stack's secret under the **secret field** names (docs/DEPLOY.md shows how to put",
    'them there). A setting left unset takes its default.',
    '',
    '| setting | environment | CDK context | secret field | default | values | what it does |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
