// lib/tracker-config.ts: the CDK context, its defaults and its messages.
import { readTrackerConfig } from '../../../lib/tracker-config';

describe('context validation', () => {
  const context = (values: Record<string, unknown>) => (key: string) => values[key];

  it('applies the defaults of a fresh clone', () => {
    expect(readTrackerConfig(context({}))).toEqual({
      scheduleHour: 6,
      scheduleMinute: 0,
      timeZone: 'America/New_York',
      platforms: ['facebook', 'instagram', 'linkedin', 'threads', 'tiktok', 'twitter', 'youtube'],
      databaseStorageGiB: 20,
      multiAz: false,
      deletionProtection: true,
      nat: 'instance',
      sqlAccess: 'off',
      weeklyDigest: 'monday',
      anomalyThreshold: 0.5,
      concurrency: 25,
      fanOutAbove: 200,
      fanOutChunk: 50,
      fanOutConcurrency: 2,
      economy: false,
      imageGeneration: 1,
      posts: true,
      reportEvery: 'month',
      reportReview: false,
      reportRecipients: {},
      reportRetentionDays: 400,
      reportLinkDays: 14,
    });
  });

  it.each([
    [{ scheduleHour: '25' }, /scheduleHour must be 0 to 23 \(got "25"\)/],
    [{ scheduleMinute: 'half' }, /scheduleMinute/],
    [{ timeZone: 'Moon/Base' }, /timeZone is not an IANA time zone such as America\/New_York .*\(got "Moon\/Base"\)/],
    [
      { platforms: 'facebook,bebo' },
      /platforms has unknown platform\(s\) bebo; known: facebook, .*\(got "facebook,bebo"\)/,
    ],
    [{ platforms: ['tiktok', 'myspace'] }, /platforms has unknown platform\(s\) myspace/],
    [{ platforms: ' , ' }, /platforms lists no platform/],
    [{ alertEmail: 'not-an-address' }, /alertEmail must be an email address/],
    [{ nat: 'none' }, /nat must be "instance" or "gateway" \(.+\) \(got "none"\)/],
    [{ sqlAccess: 'public' }, /sqlAccess must be "off" or "ssm" \(.+\) \(got "public"\)/],
    [{ multiAz: 'yes' }, /multiAz/],
    [{ databaseInstanceType: 'db.t4g.micro' }, /databaseInstanceType must be an instance type such as t4g.micro/],
    [{ vpcId: 'my-vpc' }, /vpcId must be a VPC id/],
    [{ anomalyThreshold: '0' }, /anomalyThreshold must be more than 0/],
    [{ anomalyThreshold: 'half' }, /anomalyThreshold must be a number such as 0.5/],
    [{ concurrency: '0' }, /concurrency must be a whole number from 1 to 100 \(got "0"\)/],
    [{ fanOutConcurrency: '1' }, /fanOutConcurrency must be 2 to 1000/],
    [{ weeklyDigest: 'someday' }, /weeklyDigest must be a weekday \(sunday, monday, .*\) or off \(got "someday"\)/],
    [{ economy: 'maybe' }, /economy .*\(got "maybe"\)/],
    [{ economy: 'true', nat: 'gateway' }, /economy cannot be true with nat=gateway/],
    [{ backupWindow: '10:00-10:30' }, /backupWindow comes within 0 min of the run and its retries/],
    [{ backupWindow: '9:00-9:30' }, /backupWindow must be hh:mm-hh:mm in UTC/],
    [{ maintenanceWindow: 'sun:11:00-sun:11:30' }, /maintenanceWindow comes within 0 min of the run/],
    [
      { backupWindow: '00:00-00:30', maintenanceWindow: 'sun:00:15-sun:00:45' },
      /maintenanceWindow must not overlap the backup window: RDS refuses overlapping windows/,
    ],
    [{ fanOutConcurrency: '1000' }, /fanOutConcurrency must be at most 72 on db.t4g.micro: .* about 84 /],
    [{ fanOutConcurrency: '70', sqlAccess: 'ssm' }, /fanOutConcurrency must be at most 62 on db.t4g.micro/],
    [{ imageGeneration: '0' }, /imageGeneration must be 1 to 1000000/],
    [
      { maintenanceWindow: 'sun:00:15-sun:00:45' },
      /maintenanceWindow must not overlap the backup window \(the backup window the stack would use, 00:00-00:30; give backupWindow too\)/,
    ],
  ])('rejects %p with a message naming the key', (values, message) => {
    expect(() => readTrackerConfig(context(values))).toThrow(message);
    expect(() => readTrackerConfig(context(values))).toThrow(/Set it in cdk.json or with -c key=value/);
  });

  it('allows fan-out up to what a larger class takes, and any value on a class it does not know', () => {
    expect(readTrackerConfig(context({ fanOutConcurrency: '300', databaseInstanceType: 'r6g.large' }))).toMatchObject({
      fanOutConcurrency: 300,
    });
    expect(readTrackerConfig(context({ fanOutConcurrency: '72' })).fanOutConcurrency).toBe(72);
    expect(readTrackerConfig(context({ fanOutConcurrency: '500', databaseInstanceType: 'x2g.large' }))).toMatchObject({
      fanOutConcurrency: 500,
    });
  });

  it('accepts windows an hour clear of the run, and economy with the NAT instance', () => {
    const values = { backupWindow: '03:00-03:30', maintenanceWindow: 'wed:04:00-wed:04:30', economy: 'true' };
    expect(readTrackerConfig(context(values))).toMatchObject({ ...values, economy: true });
  });

  it('reads strings from -c as numbers and booleans', () => {
    const values = { scheduleHour: '7', multiAz: 'true', deletionProtection: 'false', platforms: 'TikTok, youtube' };
    expect(readTrackerConfig(context(values))).toMatchObject({
      scheduleHour: 7,
      multiAz: true,
      deletionProtection: false,
      platforms: ['tiktok', 'youtube'],
    });
  });

  it('takes platforms as a list too (cdk.json), and drops repeats', () => {
    expect(readTrackerConfig(context({ platforms: ['YouTube', 'tiktok', 'youtube'] })).platforms).toEqual([
      'youtube',
      'tiktok',
    ]);
  });
});
