// lib/constructs/awake-windows.ts: economy mode's schedules. Read back from the template: when each fires, what it
// calls with which role, that the backup happens while the database is awake, that the run and all its retries
// happen while both are awake, and that no alarm fires for the hours they sleep.
import { awakeFirings } from '../../../../lib/constructs/awake-windows';
import { dependencyClosure, logicalIdIn, resourcesOf, synthesize, type Resources } from '../../../support/synth';

const economy = resourcesOf(synthesize({ economy: 'true', alertEmail: 'ops@example.com' }).template);
const standard = resourcesOf(synthesize({}).template);

type Schedule = { id: string; cron: { minute: number; hour: number }; zone: string; arn: string; input: string };

function schedules(resources: Resources): Schedule[] {
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Scheduler::Schedule')
    .map(([id, r]) => {
      const [, minute, hour] = /^cron\((\d+) (\d+) /.exec(r.Properties.ScheduleExpression)!;
      const arn = r.Properties.Target.Arn;
      const input = r.Properties.Target.Input;
      const part = (p: any): string => (typeof p === 'string' ? p : `<${p.Ref ?? p['Fn::GetAtt']?.[0]}>`);
      const text = (v: any): string => (v['Fn::Join'] ? v['Fn::Join'][1].map(part).join('') : part(v));
      return {
        id,
        cron: { minute: Number(minute), hour: Number(hour) },
        zone: r.Properties.ScheduleExpressionTimezone,
        arn: typeof arn === 'string' ? arn : text(arn),
        input: input === undefined ? '' : text(input),
      };
    });
}

const minutes = (t: { hour: number; minute: number }) => t.hour * 60 + t.minute;
const clock = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
const byAction = (action: string, zone: string) =>
  schedules(economy).filter((s) => s.arn.endsWith(`:aws-sdk:${action}`) && s.zone === zone);

describe('economy mode', () => {
  const databaseId = logicalIdIn(economy, 'AWS::RDS::DBInstance', /^DatabaseInstance/);
  const natId = logicalIdIn(economy, 'AWS::EC2::Instance', /NatInstance/);

  it('adds nothing to the standard stack', () => {
    expect(schedules(standard).map((s) => s.arn)).toEqual([expect.stringMatching(/CollectorCollect/)]);
  });

  it('wakes the database and the NAT 20 minutes before the 06:00 run and puts them to sleep after every retry', () => {
    const [run] = schedules(economy).filter((s) => s.arn.includes('CollectorCollect'));
    expect(run.zone).toBe('America/New_York');
    for (const action of ['rds:startDBInstance', 'ec2:startInstances']) {
      const [wake] = byAction(action, 'America/New_York');
      expect(minutes(run.cron) - minutes(wake.cron)).toBe(20);
    }
    // The run's last possible attempt, from the retry settings in this very template.
    const schedule = economy[run.id].Properties.Target.RetryPolicy.MaximumEventAgeInSeconds / 60;
    const [invokeConfig] = Object.values(economy).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig');
    const asyncAge = invokeConfig.Properties.MaximumEventAgeInSeconds / 60;
    const collect = economy[logicalIdIn(economy, 'AWS::Lambda::Function', /^CollectorCollect/)];
    const timeout = collect.Properties.Timeout / 60;
    const [chunks] = Object.entries(economy).filter(
      ([id, r]) => r.Type === 'AWS::SQS::Queue' && /^CollectorChunks/.test(id),
    );
    const visibility = chunks[1].Properties.VisibilityTimeout / 60;
    const receives = chunks[1].Properties.RedrivePolicy.maxReceiveCount;
    const lastAttemptEnds = schedule + asyncAge + timeout + (receives - 1) * visibility + timeout;
    for (const action of ['rds:stopDBInstance', 'ec2:stopInstances']) {
      const sleeps = byAction(action, 'America/New_York');
      expect(sleeps).toHaveLength(1);
      expect(minutes(sleeps[0].cron) - minutes(run.cron)).toBeGreaterThanOrEqual(lastAttemptEnds);
    }
    // Short horizons keep the window short: an hour in all after the run.
    expect(lastAttemptEnds).toBeLessThanOrEqual(60);
  });

  it('wakes the database alone (in UTC) around its backup every day, and through its maintenance on that day', () => {
    const database = economy[databaseId].Properties;
    const backup = clock(database.PreferredBackupWindow);
    const [, day, start, , end] = /^(\w+):(\d\d:\d\d)-(\w+):(\d\d:\d\d)$/.exec(database.PreferredMaintenanceWindow)!;
    expect(day).toBe('sun');
    const wakes = byAction('rds:startDBInstance', 'Etc/UTC');
    const sleeps = byAction('rds:stopDBInstance', 'Etc/UTC');
    expect(byAction('ec2:startInstances', 'Etc/UTC')).toEqual([]);
    // One daily wake, 15 minutes before the backup window.
    expect(wakes.map((w) => economy[w.id].Properties.ScheduleExpression)).toEqual([
      expect.stringMatching(/\* \* \? \*\)$/),
    ]);
    expect(backup - minutes(wakes[0].cron)).toBe(15);
    // Six days it sleeps 10 minutes after the backup window; on Sunday 10 minutes after the maintenance window.
    const expressions = sleeps.map((s) => economy[s.id].Properties.ScheduleExpression as string).sort();
    expect(expressions).toEqual([
      expect.stringMatching(/ \? \* SUN \*\)$/),
      expect.stringMatching(/ \? \* MON,TUE,WED,THU,FRI,SAT \*\)$/),
    ]);
    const weekdays = sleeps.find((s) => /MON/.test(economy[s.id].Properties.ScheduleExpression))!;
    const sunday = sleeps.find((s) => /SUN/.test(economy[s.id].Properties.ScheduleExpression))!;
    expect(minutes(weekdays.cron)).toBe(backup + 30 + 10);
    expect(clock(start)).toBeGreaterThanOrEqual(backup + 30);
    expect(minutes(sunday.cron)).toBe(clock(end) + 10);
  });

  it('calls RDS and EC2 directly with their own ids, each schedule with a role for its one action on its one instance', () => {
    const economySchedules = schedules(economy).filter((s) => s.arn.includes(':aws-sdk:'));
    expect(economySchedules).toHaveLength(7);
    for (const s of economySchedules) {
      if (s.arn.includes(':rds:')) expect(JSON.parse(s.input)).toEqual({ DbInstanceIdentifier: `<${databaseId}>` });
      else expect(JSON.parse(s.input)).toEqual({ InstanceIds: [`<${natId}>`] });
      const roleId = economy[s.id].Properties.Target.RoleArn['Fn::GetAtt'][0];
      const policies = Object.values(economy).filter(
        (r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: any) => ref.Ref === roleId),
      );
      const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
      const action = s.arn.split(':aws-sdk:')[1].replace(/:(\w)/, (_m, c: string) => `:${c.toUpperCase()}`);
      expect(statements).toEqual([expect.objectContaining({ Effect: 'Allow', Action: action })]);
      expect(JSON.stringify(statements[0].Resource)).toContain(s.arn.includes(':rds:') ? databaseId : natId);
      // Only EventBridge Scheduler of this account may take the role.
      const trust = economy[roleId].Properties.AssumeRolePolicyDocument.Statement[0];
      expect(trust.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
      expect(trust.Condition.StringEquals['aws:SourceAccount']).toBeDefined();
    }
  });

  it('fires no alarm while the database and the NAT sleep: missing data is never a breach, but for the daily heartbeat', () => {
    for (const [id, alarm] of Object.entries(economy).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')) {
      const p = alarm.Properties;
      const spanHours = (p.EvaluationPeriods * (p.Period ?? 0)) / 3600;
      if (p.TreatMissingData === 'breaching') {
        // The heartbeat: it looks at a whole day and more, so a night asleep is never enough to trip it.
        expect([id, spanHours >= 25]).toEqual([id, true]);
      } else {
        expect([id, p.TreatMissingData ?? 'missing']).toEqual([
          id,
          expect.stringMatching(/^(notBreaching|missing|ignore)$/),
        ]);
      }
    }
  });

  it('creates its schedules only once the migration has run, so no sleep stops anything under the first deploy', () => {
    const migration = logicalIdIn(economy, 'Custom::Trigger', /MigrateOnDeploy/);
    const switchId = logicalIdIn(economy, 'Custom::AWS', /^DeletionProtection/);
    for (const s of schedules(economy).filter((x) => x.arn.includes(':aws-sdk:'))) {
      const before = dependencyClosure(economy, s.id);
      expect([s.id, before.has(migration)]).toEqual([s.id, true]);
      expect(before.has(switchId)).toBe(false);
    }
  });

  it('shows on the dashboard when the database and the NAT were awake', () => {
    const [dashboard] = Object.values(economy).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    expect(body).toContain('Awake hours');
    expect(body).toContain('AWS/RDS');
    expect(body).toContain('AWS/EC2');
  });
});

describe('economy with given windows', () => {
  it('places the maintenance window right after a given backup window, on Sunday', () => {
    const given = resourcesOf(synthesize({ economy: 'true', backupWindow: '03:00-03:30' }).template);
    const [db] = Object.values(given).filter((r) => r.Type === 'AWS::RDS::DBInstance');
    expect(db.Properties.PreferredBackupWindow).toBe('03:00-03:30');
    expect(db.Properties.PreferredMaintenanceWindow).toBe('sun:03:30-sun:04:00');
  });

  it('never stops the database between a maintenance window and the backup right after it', () => {
    // Backup 03:00-03:30 daily; maintenance Sunday 02:00-02:40 (Sunday is weekday 6).
    const firings = awakeFirings({
      run: { hour: 6, minute: 0, timeZone: 'America/New_York', spanMinutes: 37 },
      backup: { start: 180, length: 30 },
      maintenance: { weekStart: 6 * 1440 + 120, length: 40 },
    });
    // Sunday: up from 01:45 through the backup to 03:40; the other days from 02:45 to 03:40.
    expect(firings.upkeepWakes).toEqual([
      { hour: 1, minute: 45, weekdays: [6] },
      { hour: 2, minute: 45, weekdays: [0, 1, 2, 3, 4, 5] },
    ]);
    expect(firings.upkeepSleeps).toEqual([{ hour: 3, minute: 40 }]);
  });
});
