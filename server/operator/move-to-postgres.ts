import { sql } from 'drizzle-orm';
import pg from 'pg';
import { SYNCED_ENTITIES } from '#shared/sync/protocol.ts';
import { digestRows } from '#shared/sync/digest.ts';
import { ENTITIES } from '../sync/rows.ts';
import { wireRows } from '../sync/wire-rows.ts';
import { rowsOf } from '../sync/versions.ts';
import { openDatabase, type Database, type DatabaseHandle } from '../db/database.ts';

// Moving a household from the embedded database to Postgres (`npm run db:move-to-postgres`).
//
// Everything is copied as it is — ids, sync versions, the change log, device cursors and the
// sync epoch — so devices carry on against the new server without a reset (docs/SYNC.md §"Cursors and resets": same
// epoch, same versions, nothing to re-download). Sessions stay valid and Strava tokens still
// decrypt as long as the new instances get the secrets the command prints. The job queue is not
// copied: pg-boss creates its own schema on the new database, and the work a queue holds is
// derived from stored rows (received webhook events, unfinished backfills, scheduled
// notifications), which the new server re-queues when it starts.

/** Rows per insert statement: small enough for any parameter size, large enough to be quick. */
const BATCH_ROWS = 500;

export interface MovedTable {
  table: string;
  rows: number;
}

export interface MoveReport {
  tables: MovedTable[];
  runners: number;
}

export class MoveRefused extends Error {
  override name = 'MoveRefused';
}

/** Public tables of `db` in an order where every referenced table comes before its referrers. */
async function tablesInCopyOrder(db: Database): Promise<string[]> {
  const tables = rowsOf<{ name: string }>(
    await db.execute(sql.raw(`select tablename as name from pg_tables where schemaname = 'public' order by tablename`)),
  ).map((r) => r.name);
  const edges = rowsOf<{ child: string; parent: string }>(
    await db.execute(
      sql.raw(`select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where c.contype = 'f' and n.nspname = 'public' and c.conrelid <> c.confrelid`),
    ),
  );
  const unquote = (name: string) => name.replace(/^"|"$/g, '').replace(/^public\./, '');
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const { child, parent } of edges) parents.get(unquote(child))?.add(unquote(parent));
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p)));
    if (ready.length === 0) throw new Error(`foreign keys form a cycle among: ${tables.filter((t) => !placed.has(t)).join(', ')}`);
    for (const t of ready) {
      ordered.push(t);
      placed.add(t);
    }
  }
  return ordered;
}

/** Refuses a target that already holds a RunCoach household or someone else's tables. */
async function assertEmptyTarget(targetUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: targetUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public'`);
    if (tables.length === 0) return;
    const ours = (await client.query(`select to_regclass('drizzle.__drizzle_migrations') is not null as ours`)).rows[0].ours as boolean;
    if (!ours) throw new MoveRefused(`The target database already has ${tables.length} tables that are not RunCoach's. Move into a new, empty database.`);
    // A RunCoach schema with no runner is what a failed earlier move leaves: safe to fill again.
    const users = tables.some((t) => t.name === 'users') ? Number((await client.query('select count(*) as n from users')).rows[0].n) : 0;
    if (users > 0)
      throw new MoveRefused(`The target database already holds ${users} runner account${users === 1 ? '' : 's'}. Move into a new, empty database.`);
  } finally {
    await client.end();
  }
}

/**
 * Copies every row of `source` (PGlite) into the Postgres database at `targetUrl` in one
 * transaction: a failure leaves the target without data, and the command can simply run again.
 * Triggers are off during the copy (the change log is copied, not rewritten).
 */
async function copyAll(source: Database, target: pg.Pool, tables: string[]): Promise<MovedTable[]> {
  const client = await target.connect();
  const moved: MovedTable[] = [];
  try {
    await client.query('begin');
    const quoted = tables.map((t) => `"${t}"`);
    for (const t of quoted) await client.query(`alter table ${t} disable trigger user`);
    // Rows the migrations seeded (the sync epoch row) give way to the household's own.
    await client.query(`truncate ${quoted.join(', ')}`);
    for (const table of tables) {
      const rows = rowsOf<{ row: string }>(await source.execute(sql.raw(`select row_to_json(t)::text as row from "${table}" t`))).map((r) => r.row);
      for (let i = 0; i < rows.length; i += BATCH_ROWS) {
        const batch = `[${rows.slice(i, i + BATCH_ROWS).join(',')}]`;
        // By column name, whatever order the columns have on either side.
        await client.query(`insert into "${table}" select * from json_populate_recordset(null::"${table}", $1::json)`, [batch]);
      }
      moved.push({ table, rows: rows.length });
    }
    for (const t of quoted) await client.query(`alter table ${t} enable trigger user`);
    await client.query('commit');
    return moved;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Row counts per table, and every runner's sync digest, must be the same on both sides. */
async function verify(source: Database, target: Database, moved: MovedTable[]): Promise<number> {
  for (const { table, rows } of moved) {
    const count = Number(rowsOf<{ n: string | number }>(await target.execute(sql.raw(`select count(*) as n from "${table}"`)))[0]!.n);
    if (count !== rows) throw new Error(`verification failed: ${table} has ${rows} rows here but ${count} in Postgres`);
  }
  const users = rowsOf<{ id: string }>(await source.execute(sql.raw('select id from users order by id'))).map((r) => r.id);
  for (const userId of users) {
    for (const entity of SYNCED_ENTITIES) {
      const key = ENTITIES[entity].key;
      const [before, after] = [digestRows(await wireRows(source, userId, entity), key), digestRows(await wireRows(target, userId, entity), key)];
      if (before.hash !== after.hash || before.count !== after.count) {
        throw new Error(`verification failed: runner ${userId}'s ${entity} differ after the move (${before.count} rows here, ${after.count} in Postgres)`);
      }
    }
  }
  return users.length;
}

/**
 * Moves everything in `source` (an open PGlite) into the empty Postgres database at
 * `targetUrl`: migrations first, then the rows, then the check. Throws MoveRefused for a target
 * that is not empty.
 */
export async function moveToPostgres(source: DatabaseHandle, targetUrl: string): Promise<MoveReport> {
  if (source.kind !== 'pglite') throw new Error('the source must be the embedded database');
  await assertEmptyTarget(targetUrl);
  const target = await openDatabase({ databaseUrl: targetUrl, dataDir: null });
  try {
    if (target.raw.kind !== 'postgres') throw new Error('the target must be Postgres');
    const tables = await tablesInCopyOrder(source.db);
    const moved = await copyAll(source.db, target.raw.pool, tables);
    const runners = await verify(source.db, target.db, moved);
    return { tables: moved, runners };
  } finally {
    await target.close();
  }
}
