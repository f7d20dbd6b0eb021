// lib/cost-model.ts and `npm run cost`: the monthly cost of each documented configuration, read from its template.
// The default stays at or under $25 and economy mode at or under $6 with one profile in us-east-1; the table in docs/DEPLOY.md
// is the command's output; and the model sees what the template holds (a check that cannot see a NAT Gateway or a
// second zone would pass anything).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COSTED, costTable, estimates, README_MARKERS, templateFor } from '../../bin/cost';
import { awakeFirings } from '../../lib/constructs/awake-windows';
import { awakeMinutesPerDay, estimateMonthlyCost, type TemplateJson } from '../../lib/cost-model';
import { ECONOMY_RETRIES, runSpanMinutes } from '../../lib/run-timing';
import { PRICES, RDS_INSTANCE_HOUR } from '../../lib/prices';

const rows = estimates();
const byName = new Map(rows.map((r) => [r.name, r.byProfiles]));
const oneProfile = (name: string) => byName.get(name)!.get(1)!;

describe('the cost model', () => {
  it('holds the default at or under $25 and economy mode at or under $6 a month with one profile', () => {
    expect(oneProfile('default').withAllowance).toBeLessThanOrEqual(25);
    expect(oneProfile('economy=true').withAllowance).toBeLessThanOrEqual(6);
  });

  it('costs every documented configuration but the teardown, for 1 and 100 profiles', () => {
    expect(COSTED.map(([name]) => name)).toEqual(
      expect.arrayContaining(['default', 'economy=true', 'nat=gateway', 'multiAz=true', 'sqlAccess=ssm']),
    );
    for (const { byProfiles } of rows) {
      expect([...byProfiles.keys()]).toEqual([1, 100]);
      // More profiles send more custom metrics: never cheaper.
      expect(byProfiles.get(100)!.withAllowance).toBeGreaterThan(byProfiles.get(1)!.withAllowance);
    }
  });

  it('reads the template: a NAT Gateway, a second zone and a sleeping database each change the figure as priced', () => {
    const base = oneProfile('default').withoutAllowance;
    const gateway = oneProfile('nat=gateway').withoutAllowance;
    // The gateway and its address, less the NAT instance, its disk and address, and the two alarms only it has.
    const natInstance = 730 * (0.0042 + 0.005) + 8 * 0.08;
    expect(gateway - base).toBeCloseTo(730 * (0.045 + 0.005) - natInstance - 2 * 0.1, 1);
    expect(oneProfile('multiAz=true').withoutAllowance - base).toBeCloseTo(730 * 0.016 + 20 * 0.115, 1);
    expect(oneProfile('economy=true').withoutAllowance).toBeLessThan(base - 12);
  });

  it("takes economy mode's awake hours from its schedules: the run window and the upkeep windows", () => {
    const template = templateFor({ economy: 'true' });
    const [databaseId] = Object.keys(template.Resources).filter(
      (id) => id.startsWith('DatabaseInstance') && template.Resources[id].Type === 'AWS::RDS::DBInstance',
    );
    const [natId] = Object.keys(template.Resources).filter(
      (id) => /NatInstance/.test(id) && template.Resources[id].Type === 'AWS::EC2::Instance',
    );
    const run = 20 + runSpanMinutes(ECONOMY_RETRIES);
    // Six days: 15 min before the 30-min backup window to 10 min after; Sunday through the maintenance window too.
    const upkeep = (6 * (15 + 30 + 10) + (15 + 30 + 30 + 10)) / 7;
    expect(awakeMinutesPerDay(template, databaseId, 'rds')).toBeCloseTo(run + upkeep, 6);
    expect(awakeMinutesPerDay(template, natId, 'ec2')).toBe(run);
    expect(awakeMinutesPerDay(templateFor({}), databaseId, 'rds')).toBe(1440);
  });

  it('refuses a class it has no price for, rather than guessing', () => {
    const template = templateFor({ databaseInstanceType: 'r6g.large' }) as TemplateJson;
    expect(() => estimateMonthlyCost(template, 1)).toThrow(/No price for db.r6g.large: add it to lib\/prices.ts/);
  });

  it('writes each price once, with its source and the date it was taken', () => {
    for (const price of [
      ...Object.values(RDS_INSTANCE_HOUR),
      ...Object.values(PRICES).flatMap((p) => ('usd' in p ? [p] : Object.values(p))),
    ]) {
      expect(price.usd).toBeGreaterThan(0);
      expect(price.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
      expect(price.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it("is the table in docs/DEPLOY.md, and the README's two figures round it", () => {
    const readme = readFileSync(path.join(__dirname, '../../docs/DEPLOY.md'), 'utf8');
    const [begin, end] = README_MARKERS;
    const section = readme.slice(readme.indexOf(begin) + begin.length, readme.indexOf(end)).trim();
    expect(section).toBe(costTable(rows));
    const front = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    expect(front).toContain(`default: about $${Math.round(oneProfile('default').withAllowance)} a month`);
    expect(front).toContain(`about $${Math.round(oneProfile('economy=true').withAllowance)} a month`);
  });
});

describe('economy firings with given windows', () => {
  const run = { hour: 6, minute: 0, timeZone: 'America/New_York', spanMinutes: 37 };

  it('gives a maintenance window far from the backup a weekly wake and sleep of its own', () => {
    // Backup 03:00 UTC daily; maintenance Wednesday 15:00-15:30 UTC.
    const firings = awakeFirings({
      run,
      backup: { start: 180, length: 30 },
      maintenance: { weekStart: 2 * 1440 + 900, length: 30 },
    });
    expect(firings.upkeepWakes).toEqual([
      { hour: 2, minute: 45 },
      { hour: 14, minute: 45, weekdays: [2] },
    ]);
    expect(firings.upkeepSleeps).toEqual([
      { hour: 3, minute: 40 },
      { hour: 15, minute: 40, weekdays: [2] },
    ]);
  });

  it('moves the sleep after a maintenance window that follows the backup across midnight', () => {
    // Backup Saturday 23:30-00:00 UTC, maintenance Sunday 00:00-00:30: the sleep after the backup falls on Sunday.
    const firings = awakeFirings({
      run,
      backup: { start: 23 * 60 + 30, length: 30 },
      maintenance: { weekStart: 6 * 1440, length: 30 },
    });
    expect(firings.upkeepWakes).toEqual([{ hour: 23, minute: 15 }]);
    expect(firings.upkeepSleeps).toEqual([
      { hour: 0, minute: 10, weekdays: [0, 1, 2, 3, 4, 5] },
      { hour: 0, minute: 40, weekdays: [6] },
    ]);
  });
});
