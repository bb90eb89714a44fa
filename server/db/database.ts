import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { makeDataDirPrivate, tighten } from '../lib/private-dir.ts';
import * as schema from './schema.ts';

/** The one database type all server code uses, whether PGlite or Postgres is behind it. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction on it; domain functions take `Database | Transaction` as `Executor`. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
export type Executor = Database | Transaction;
export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  /** The driver underneath, for libraries that need their own access (pg-boss). */
  raw: { kind: 'pglite'; client: PGlite } | { kind: 'postgres'; pool: pg.Pool };
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Where PGlite keeps its files inside DATA_DIR. */
export function pgliteDirectory(dataDir: string): string {
  return join(dataDir, 'pglite');
}

/**
 * Opens the database and applies the committed migrations: Postgres when a URL is given,
 * otherwise PGlite in `dataDir` (or in memory when `dataDir` is null, for tests).
 */
export async function openDatabase(options: { databaseUrl?: string | undefined; dataDir: string | null; loadDataDir?: Blob }): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle client that loses its server emits 'error'; without a listener that kills the process.
    pool.on('error', (error) => console.error('postgres pool error:', error.message));
    // The pool listens only to idle clients: one checked out (inside a transaction, between two
    // queries) when Postgres restarts would emit an unhandled 'error' and crash the process. Its
    // next query fails instead, and the request answers with an error.
    pool.on('connect', (client) => client.on('error', (error) => console.error('postgres client error:', error.message)));
    const db = drizzlePostgres(pool, { schema }) as unknown as Database;
    await migratePostgres(db as never, { migrationsFolder });
    return { db, kind: 'postgres', raw: { kind: 'postgres', pool }, close: () => pool.end() };
  }
  let client: PGlite;
  // Postgres's default 128 MB of shared buffers was the largest part of an idle server's memory
  // (issue 21, `npm run bench -- server`: 469 MB RSS warm, 347 MB with 16 MB); a household's
  // database fits in far less.
  const startParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];
  if (options.dataDir === null) {
    // Tests start from a dump of an already migrated database: ~0.6 s instead of ~2.5 s.
    client = new PGlite({ startParams, ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}) });
  } else {
    // PGlite does not create missing parent folders; nobody but the owner may read what it writes.
    makeDataDirPrivate(options.dataDir);
    client = new PGlite(pgliteDirectory(options.dataDir), { startParams });
  }
  await client.waitReady;
  if (options.dataDir !== null) tighten(options.dataDir);
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  await migratePglite(db as never, { migrationsFolder });
  return { db, kind: 'pglite', raw: { kind: 'pglite', client }, close: () => client.close() };
}

/** True when the database answers a trivial query. */
export async function pingDatabase(db: Database): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a statement sent often, under a name: Postgres parses and plans it once per connection
 * instead of on every call, which for a large statement costs more than running it. PGlite,
 * in-process, runs it as it is. The text must be the same on every call with that name.
 */
export async function runPrepared<Row>(db: Database, name: string, text: string, params: unknown[]): Promise<Row[]> {
  const client = (db as unknown as { $client: pg.Pool | PGlite }).$client;
  if (client instanceof pg.Pool) return (await client.query({ name, text, values: params })).rows as Row[];
  return (await client.query<Row>(text, params)).rows;
}
