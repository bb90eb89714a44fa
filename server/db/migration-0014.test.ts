import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';

// Migration 0014 (issue 17 §1) renames the heart-rate columns of 0013 and adds the runner's week
// and a recent race. No value may be lost in the rename, the field clocks must follow their
// fields (last-writer-wins per field, docs/SYNC.md §Conflicts), and every profile must get a new change-log
// version so devices pull the row under its new names (docs/SYNC.md §G3).

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));

/** A copy of the migrations folder that stops at `lastTag`. */
function migrationsUpTo(lastTag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rc-migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  const journal = JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  expect(last).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, last + 1);
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  return dir;
}

describe('migration 0014 (heart-rate names, the runner week, a recent race)', () => {
  let client: PGlite | undefined;
  let old: string | undefined;
  afterAll(async () => {
    await client?.close();
    if (old) rmSync(old, { recursive: true, force: true });
  });

  it('moves every heart-rate value and its clock to the new names and gives each profile a new version', async () => {
    client = new PGlite();
    const db = drizzle(client);
    old = migrationsUpTo('0013_runner_heart_rate');
    await migrate(db, { migrationsFolder: old });
    const user = '77777777-7777-4777-8777-777777777777';
    await client.exec(`
      insert into users (id, email, name, password_hash) values ('${user}', 'di@example.com', 'Di', 'x');
      insert into user_profiles (user_id, days_available_per_week, max_hr, resting_hr, lthr, birth_year, field_hlc)
        values ('${user}', 4, 178, 52, 160, 1980, '{"max_hr": "h1", "resting_hr": "h2", "units": "h3"}');
    `);
    const version = async () =>
      (await client!.query<{ version: number }>(`select version::int from change_log where entity = 'user_profiles' and entity_id = '${user}'`)).rows[0]
        ?.version;
    const before = await version();

    await migrate(db, { migrationsFolder: MIGRATIONS });
    const rows = (
      await client.query(
        `select max_heart_rate, resting_heart_rate, threshold_heart_rate, birth_year, days_available_per_week, available_days, long_run_day,
                recent_race_distance_meters, recent_race_time_seconds, recent_race_date, field_hlc from user_profiles`,
      )
    ).rows;
    expect(rows).toEqual([
      {
        max_heart_rate: 178,
        resting_heart_rate: 52,
        threshold_heart_rate: 160,
        birth_year: 1980,
        days_available_per_week: 4,
        available_days: null,
        long_run_day: 'sun',
        recent_race_distance_meters: null,
        recent_race_time_seconds: null,
        recent_race_date: null,
        field_hlc: { max_heart_rate: 'h1', resting_heart_rate: 'h2', units: 'h3' },
      },
    ]);
    expect(await version()).toBeGreaterThan(before!);
    const columns = (
      await client.query<{ column_name: string }>(`select column_name from information_schema.columns where table_name = 'user_profiles'`)
    ).rows.map((r) => r.column_name);
    expect(columns).not.toContain('max_hr');
    expect(columns).not.toContain('lthr');
    // New profiles get Sunday as their long-run day from the column itself.
    await client.exec(`insert into users (id, email, name, password_hash) values (gen_random_uuid(), 'ed@example.com', 'Ed', 'x')`);
    await client.exec(`insert into user_profiles (user_id) select id from users where email = 'ed@example.com'`);
    expect((await client.query(`select long_run_day from user_profiles p join users u on u.id = p.user_id where u.email = 'ed@example.com'`)).rows).toEqual([
      { long_run_day: 'sun' },
    ]);
  }, 120_000); // every migration on a fresh PGlite: seconds alone, much longer while other suites share the two cores
});
