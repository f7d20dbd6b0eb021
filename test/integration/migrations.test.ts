import { migrateDatabase } from '../../lambda/migrate';
import { runCliCaptured } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { MIGRATION_NAMES } from '../support/migrations';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('migrations');
});
afterAll(() => db.drop());

describe('migrations', () => {
  it('apply once through `migrate`; a second run is a no-op', async () => {
    const first = await runCliCaptured(['migrate'], { DATABASE_URL: db.url });
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`Applied ${MIGRATION_NAMES.length} migration(s): ${MIGRATION_NAMES.join(', ')}\n`);
    const second = await runCliCaptured(['migrate'], { DATABASE_URL: db.url });
    expect(second.stdout).toBe('The schema is up to date; nothing to apply.\n');
    expect(await migrateDatabase(db.client)).toEqual([]);
    const { rows } = await db.client.query('SELECT name FROM pgmigrations');
    expect(rows).toHaveLength(MIGRATION_NAMES.length);
  });

  it('create the SPEC columns with BIGINT counts and room for large rates', async () => {
    const { rows } = await db.client.query(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'social_media_analytics'`,
    );
    const types = Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]));
    for (const column of ['followers_count', 'following_count', 'subscribers_gained', 'subscribers_lost', 'likes_total', 'comments_total', 'shares_total', 'engagement_total', 'views_total', 'impressions', 'reach', 'profile_views', 'posts_count', 'growth_velocity', 'id']) {
      expect([column, types[column]]).toEqual([column, 'bigint']);
    }
    expect(types).toMatchObject({ engagement_rate: 'numeric', content_efficiency: 'numeric', raw_data: 'jsonb', date: 'date', profile: 'text', platform: 'text', recorded_at: 'timestamp with time zone', created_at: 'timestamp with time zone' });
    expect(types).toMatchObject({ days_since_previous: 'integer', engagement_rate_basis: 'text', anomaly: 'text', left_out: 'jsonb' });
    expect(Object.keys(types)).toHaveLength(29);
    await db.client.query(
      `INSERT INTO social_media_analytics (date, profile, platform, followers_count, engagement_rate, raw_data) VALUES ('2026-01-01', 'p', 'tiktok', 3000000000, 123456.78, '{}')`,
    );
    const stored = await db.client.query(`SELECT followers_count, engagement_rate FROM social_media_analytics`);
    expect(stored.rows[0]).toEqual({ followers_count: 3_000_000_000, engagement_rate: 123456.78 });
    // The largest rate a count below 2^53 can give on a basis of 1 fits (it failed the whole run before).
    await db.client.query(`UPDATE social_media_analytics SET engagement_rate = 900719925474099100`);
    expect((await db.client.query(`SELECT engagement_rate::text AS r FROM social_media_analytics`)).rows[0].r).toBe('900719925474099100.00');
  });

  it('enforce one row per profile, platform and date, and index date/platform', async () => {
    await expect(
      db.client.query(`INSERT INTO social_media_analytics (date, profile, platform, raw_data) VALUES ('2026-01-01', 'p', 'tiktok', '{}')`),
    ).rejects.toThrow(/social_media_analytics_profile_platform_date_key/);
    const { rows } = await db.client.query(`SELECT indexdef FROM pg_indexes WHERE tablename = 'social_media_analytics'`);
    const definitions = rows.map((r) => r.indexdef).join('\n');
    expect(definitions).toMatch(/\(date, platform\)/);
    expect(definitions).toMatch(/\(platform\)/);
    expect(definitions).toMatch(/UNIQUE INDEX .*\(profile, platform, date\)/);
  });
});
