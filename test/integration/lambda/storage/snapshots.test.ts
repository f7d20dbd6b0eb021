// The snapshot statements against real PostgreSQL: upserts in chunks, neighbours on both sides, corrections, drift
// said once. What the rows derive is tested in test/unit/lambda/pipeline/derive.test.ts.
import { keyOf, type StoredSnapshot } from '../../../../lambda/core/model';
import { normaliseMetrics } from '../../../../lambda/pipeline/normalise';
import { migrateDatabase } from '../../../../lambda/storage/migrations';
import {
  loadNeighbours,
  loadRecentAnalytics,
  lockWrites,
  recordDriftEvents,
  updateDerived,
  upsertSnapshots,
  UPSERT_CHUNK,
} from '../../../../lambda/storage/snapshots';
import { inTransaction } from '../../../../lambda/storage/connection';
import { createTestDatabase, type TestDatabase } from '../../../support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('snapshots');
  await migrateDatabase(db.client);
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.client.query('TRUNCATE social_media_analytics, metric_drift');
});

const row = (profile: string, followers: number, analytics: Record<string, unknown> = {}): StoredSnapshot => ({
  profile,
  platform: 'tiktok',
  date: '',
  metrics: { ...normaliseMetrics('tiktok', {}), followers_count: followers },
  engagement_rate: null,
  engagement_rate_basis: null,
  content_efficiency: null,
  raw_data: { analytics },
  left_out: [],
  growth_velocity: null,
  days_since_previous: null,
  anomaly: null,
  not_computed: [],
  source_updated_at: null,
  warnings: [],
  refreshed: null,
});
const keys = (profiles: string[]) => ({ profiles, platforms: profiles.map(() => 'tiktok') });
const count = async () => Number((await db.client.query('SELECT count(*) FROM social_media_analytics')).rows[0].count);

describe('snapshot rows', () => {
  it('upserts more rows than one statement takes, and a second write of the day replaces instead of adding', async () => {
    const many = Array.from({ length: UPSERT_CHUNK + 5 }, (_, i) => row(`p${i}`, i));
    await upsertSnapshots(db.client, '2026-05-02', many);
    expect(await count()).toBe(UPSERT_CHUNK + 5);
    await upsertSnapshots(db.client, '2026-05-02', [row('p0', 999)]);
    expect(await count()).toBe(UPSERT_CHUNK + 5);
    expect(
      (await db.client.query(`SELECT followers_count FROM social_media_analytics WHERE profile = 'p0'`)).rows,
    ).toEqual([{ followers_count: 999 }]);
  });

  it('finds the nearest snapshot on each side of a date, per profile and platform', async () => {
    await upsertSnapshots(db.client, '2026-05-01', [row('a', 10)]);
    await upsertSnapshots(db.client, '2026-04-20', [row('a', 5), row('b', 7)]);
    await upsertSnapshots(db.client, '2026-05-09', [row('a', 30)]);
    const before = await loadNeighbours(db.client, keys(['a', 'b', 'c']), '2026-05-05', '<');
    const after = await loadNeighbours(db.client, keys(['a', 'b', 'c']), '2026-05-05', '>');
    expect([...before.keys()].sort()).toEqual([keyOf('a', 'tiktok'), keyOf('b', 'tiktok')]);
    expect(before.get(keyOf('a', 'tiktok'))).toMatchObject({
      date: '2026-05-01',
      followers_count: 10,
      has_metrics: true,
      left_out: [],
    });
    expect(after.get(keyOf('a', 'tiktok'))).toMatchObject({ date: '2026-05-09', followers_count: 30 });
    expect(after.has(keyOf('b', 'tiktok'))).toBe(false);
  });

  it('writes corrections of derived figures onto the rows they name', async () => {
    await upsertSnapshots(db.client, '2026-05-03', [row('a', 134)]);
    const [{ id }] = (await db.client.query(`SELECT id FROM social_media_analytics`)).rows;
    await updateDerived(db.client, [{ id, growth_velocity: 10, days_since_previous: 1, anomaly: null }]);
    expect(
      (await db.client.query(`SELECT growth_velocity, days_since_previous, anomaly FROM social_media_analytics`)).rows,
    ).toEqual([{ growth_velocity: 10, days_since_previous: 1, anomaly: null }]);
  });

  it('reads recent analytics newest first, as deep as asked, and records each drift event once', async () => {
    for (const [day, views] of [
      ['2026-05-01', 1],
      ['2026-05-02', 2],
      ['2026-05-03', 3],
    ] as const)
      await upsertSnapshots(db.client, day, [row('a', 1, { views })]);
    const history = await loadRecentAnalytics(db.client, keys(['a']), '2026-05-04', 2);
    expect(history.get(keyOf('a', 'tiktok'))).toEqual([{ views: 3 }, { views: 2 }]);
    const event = {
      profile: 'a',
      platform: 'tiktok',
      field: 'views',
      change: 'disappeared' as const,
      detail: 'views is gone',
    };
    expect(await recordDriftEvents(db.client, '2026-05-04', [event])).toEqual([event]);
    expect(await recordDriftEvents(db.client, '2026-05-04', [event])).toEqual([]);
  });

  it('serialises writers with a transaction lock that ends with the transaction', async () => {
    await inTransaction(db.client, () => lockWrites(db.client));
    const { rows } = await db.client.query(`SELECT count(*)::int AS held FROM pg_locks
       WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
    expect(rows).toEqual([{ held: 0 }]);
  });
});
