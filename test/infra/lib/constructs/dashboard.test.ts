// lib/constructs/dashboard.ts: the CloudWatch dashboard's graphs and alarm widget.
import { type Resources, type Synthesized, synthesizeDefaults } from '../../../support/synth';

let defaults: Synthesized;
let resources: Resources;

beforeAll(() => ({ defaults, resources } = synthesizeDefaults()));

describe('dashboard', () => {
  const body = () => {
    const dashboards = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    // The body is a Fn::Join of strings and tokens: its string parts are the widgets' JSON.
    const parts: unknown[] = dashboards[0].Properties.DashboardBody['Fn::Join'][1];
    return parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
  };

  it('graphs each per-platform metric family across every profile and platform of the namespace', () => {
    const text = body();
    for (const metric of ['Followers', 'FollowerGrowth', 'EngagementRate', 'PlatformCollected']) {
      expect(text).toContain(`SEARCH('{AyrshareTracker,platform,profile,service} MetricName=\\"${metric}\\"'`);
    }
    expect(text).toMatch(/"title":"Followers"/);
    expect(text).toMatch(/"title":"Engagement rate \(%\)"/);
  });

  it('shows run health (runs, platforms stored and failed, function errors) and every alarm', () => {
    const text = body();
    for (const metric of ['SuccessfulRuns', 'PlatformsStored', 'PlatformsFailed']) {
      expect(text).toContain(`"AyrshareTracker","${metric}","service","ayrshare-tracker"`);
    }
    expect(text).toContain('"AWS/Lambda","Errors"');
    const alarmIds = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::CloudWatch::Alarm');
    expect(alarmIds.length).toBe(defaults.stack.alerts.alarms.length);
    expect(alarmIds.length).toBeGreaterThanOrEqual(7);
    for (const id of alarmIds) expect(text).toContain(`{"Fn::GetAtt":["${id}","Arn"]}`);
  });
});
