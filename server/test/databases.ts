import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../db/database.ts';

/** A fresh in-memory PGlite with the migrations applied (loaded from the run's template when there is one). */
export function openTestPglite(): Promise<DatabaseHandle> {
  const template = inject('pgliteTemplate');
  return openDatabase({ dataDir: null, ...(template ? { loadDataDir: new Blob([readFileSync(template)]) } : {}) });
}

/**
 * A fresh, migrated Postgres database created on the server of `baseUrl` for this test file,
 * dropped again by `close()`, so runs never see each other's rows.
 */
export async function openTestPostgres(baseUrl: string): Promise<DatabaseHandle & { url: string }> {
  const name = `rc_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: null });
  return {
    ...handle,
    url: url.toString(),
    close: async () => {
      await handle.close();
      const dropper = new pg.Client({ connectionString: baseUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}
