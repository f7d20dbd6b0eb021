import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_ALIASES } from '../../../../lib/constructs/tracker-function';
import { migrateDatabase } from '../../../../lambda/storage/migrations';
import { READER_DEFAULTS } from '../../../../lambda/storage/roles';
import { runCliCaptured } from '../../../support/cli';
import { createTestDatabase, type TestDatabase } from '../../../support/database';
import { MIGRATION_NAMES, MIGRATIONS_DIR } from '../../../support/migrations';

const MIGRATIONS_MODULE = path.resolve(__dirname, '../../../../lambda/storage/migrations.ts');

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

  it('create the documented columns with BIGINT counts and room for large rates', async () => {
    const { rows } = await db.client.query(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'social_media_analytics'`,
    );
    const types = Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]));
    for (const column of [
      'followers_count',
      'following_count',
      'subscribers_gained',
      'subscribers_lost',
      'likes_total',
      'comments_total',
      'shares_total',
      'engagement_total',
      'views_total',
      'impressions',
      'reach',
      'profile_views',
      'posts_count',
      'growth_velocity',
      'id',
    ]) {
      expect([column, types[column]]).toEqual([column, 'bigint']);
    }
    expect(types).toMatchObject({
      engagement_rate: 'numeric',
      content_efficiency: 'numeric',
      raw_data: 'jsonb',
      date: 'date',
      profile: 'text',
      platform: 'text',
      recorded_at: 'timestamp with time zone',
      created_at: 'timestamp with time zone',
    });
    expect(types).toMatchObject({
      days_since_previous: 'integer',
      engagement_rate_basis: 'text',
      anomaly: 'text',
      left_out: 'jsonb',
    });
    expect(types).toMatchObject({ retention_rate: 'numeric' });
    expect(types).toMatchObject({
      source_updated_at: 'timestamp with time zone',
      refreshed: 'boolean',
      not_computed: 'jsonb',
    });
    expect(Object.keys(types)).toHaveLength(33);
    await db.client.query(
      `INSERT INTO social_media_analytics (date, profile, platform, followers_count, engagement_rate, raw_data)
       VALUES ('2026-01-01', 'p', 'tiktok', 3000000000, 123456.78, '{}')`,
    );
    const stored = await db.client.query(`SELECT followers_count, engagement_rate FROM social_media_analytics`);
    expect(stored.rows[0]).toEqual({ followers_count: 3_000_000_000, engagement_rate: 123456.78 });
    // The largest rate a count below 2^53 can give on a basis of 1 fits (it failed the whole run before).
    await db.client.query(`UPDATE social_media_analytics SET engagement_rate = 900719925474099100`);
    expect((await db.client.query(`SELECT engagement_rate::text AS r FROM social_media_analytics`)).rows[0].r).toBe(
      '900719925474099100.00',
    );
  });

  it('enforce one row per profile, platform and date, and index date/platform', async () => {
    await expect(
      db.client.query(
        `INSERT INTO social_media_analytics (date, profile, platform, raw_data) VALUES ('2026-01-01', 'p', 'tiktok', '{}')`,
      ),
    ).rejects.toThrow(/social_media_analytics_profile_platform_date_key/);
    const { rows } = await db.client.query(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'social_media_analytics'`,
    );
    const definitions = rows.map((r) => r.indexdef).join('\n');
    expect(definitions).toMatch(/\(date, platform\)/);
    expect(definitions).toMatch(/\(platform\)/);
    expect(definitions).toMatch(/UNIQUE INDEX .*\(profile, platform, date\)/);
  });
});

describe('upgrading a database that already holds history', () => {
  it('fills days_since_previous and engagement_rate_basis for the rows stored before the ledger existed', async () => {
    const upgrade = await createTestDatabase('upgrade');
    try {
      const { runner } = await import('node-pg-migrate');
      const before = MIGRATION_NAMES.indexOf('1764400000000_ledger-and-history');
      await runner({
        dbClient: upgrade.client,
        dir: MIGRATIONS_DIR,
        direction: 'up',
        migrationsTable: 'pgmigrations',
        count: before,
        log: () => undefined,
      });
      await upgrade.client.query(`
        INSERT INTO social_media_analytics
          (date, profile, platform, followers_count, engagement_total, views_total, impressions, engagement_rate, raw_data)
        VALUES
          ('2026-01-01', 'p', 'facebook', 10, 5, 100, 50, 10, '{}'),
          ('2026-01-04', 'p', 'facebook', 12, 5, 100, NULL, 5, '{}'),
          ('2026-01-05', 'p', 'twitter', 7, NULL, NULL, NULL, NULL, '{}')`);
      expect(await migrateDatabase(upgrade.client)).toEqual(MIGRATION_NAMES.slice(before));
      const { rows } = await upgrade.client.query(
        `SELECT date::text AS d, platform, days_since_previous, engagement_rate_basis, left_out FROM social_media_analytics ORDER BY date`,
      );
      expect(rows).toEqual([
        {
          d: '2026-01-01',
          platform: 'facebook',
          days_since_previous: null,
          engagement_rate_basis: 'impressions',
          left_out: [],
        },
        { d: '2026-01-04', platform: 'facebook', days_since_previous: 3, engagement_rate_basis: 'views', left_out: [] },
        { d: '2026-01-05', platform: 'twitter', days_since_previous: null, engagement_rate_basis: null, left_out: [] },
      ]);
    } finally {
      await upgrade.drop();
    }
  });
});

describe('several databases of one server', () => {
  it('migrate at the same time, although the roles they set up belong to the whole server', async () => {
    const databases = await Promise.all(Array.from({ length: 6 }, (_, i) => createTestDatabase(`parallel_${i}`)));
    try {
      // Each database's migrations run from the start at once: they create, alter and grant the same roles.
      const applied = await Promise.allSettled(databases.map((database) => migrateDatabase(database.client)));
      expect(applied.map((a) => (a.status === 'fulfilled' ? a.value.length : String(a.reason)))).toEqual(
        databases.map(() => MIGRATION_NAMES.length),
      );
      const { rows } = await databases[0].client.query<{ setconfig: string[] }>(
        `SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
         WHERE r.rolname = 'tracker_reader' AND s.setdatabase = 0`,
      );
      // The migration and the embedded database give the reader the same settings (READER_DEFAULTS).
      expect([...rows[0].setconfig].sort()).toEqual(
        READER_DEFAULTS.map((setting) => setting.replace(' = ', '=').replace(/'/g, '')).sort(),
      );
    } finally {
      await Promise.all(databases.map((database) => database.drop()));
    }
  });
});

describe('the migrations as the function bundles them (glob replaced by its stand-in)', () => {
  it('apply on an empty database and leave nothing pending', async () => {
    const bundled = await createTestDatabase('migrations-bundled');
    const folder = mkdtempSync(path.join(os.tmpdir(), 'tracker-migrations-bundle-'));
    try {
      const entry = [
        `const pg = require('pg');`,
        `const { migrateDatabase, pendingMigrations } = require(${JSON.stringify(MIGRATIONS_MODULE)});`,
        `(async () => {`,
        `  const client = new pg.Client({ connectionString: process.argv[2] });`,
        `  await client.connect();`,
        `  const applied = await migrateDatabase(client, { migrationsDir: process.argv[3] });`,
        `  const pending = await pendingMigrations(client, process.argv[3]);`,
        `  await client.end();`,
        `  console.log(JSON.stringify({ applied, pending }));`,
        `})().catch((e) => { console.error(e.message); process.exit(1); });`,
      ].join('\n');
      const out = path.join(folder, 'bundle.js');
      await build({
        // From the project, as the stack bundles it: pg and node-pg-migrate resolve from its node_modules.
        stdin: { contents: entry, resolveDir: path.resolve(__dirname, '../../../..'), loader: 'js' },
        bundle: true,
        platform: 'node',
        format: 'cjs',
        mainFields: ['module', 'main'],
        external: ['pg-native'],
        alias: { ...BUNDLE_ALIASES },
        outfile: out,
        logLevel: 'silent',
        metafile: true,
      }).then((result) => {
        const inputs = Object.keys(result.metafile.inputs);
        expect(inputs.some((i) => i.includes('node-pg-migrate/'))).toBe(true);
        expect(inputs.filter((i) => /node_modules\/(glob|minimatch|path-scurry)\//.test(i))).toEqual([]);
      });
      const run = spawnSync(process.execPath, [out, bundled.url, MIGRATIONS_DIR], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ applied: [...MIGRATION_NAMES], pending: [] });
    } finally {
      rmSync(folder, { recursive: true, force: true });
      await bundled.drop();
    }
  });
});
