import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { MIN_SCHEMA_VERSION, SYNCED_ENTITIES, type Cursor, type PullRequest, type PullResponse } from '#shared/sync/protocol.ts';
import { runPrepared, type Database } from '../db/database.ts';
import { AppError } from '../lib/errors.ts';
import { clientTooOld } from './push.ts';
import { column, ENTITIES } from './rows.ts';
import { hlcJsonSql, rowJsonSql } from './wire-rows.ts';

/** A page of a pull as the server holds it: its changes already a JSON array's text. */
export interface PulledPage {
  cursor: Cursor;
  hasMore: boolean;
  lastMutationId: number;
  serverTime: number;
  changes: string;
}

export type PullResult = Extract<PullResponse, { reset: true }> | PulledPage;

/** The response body of a pull: PullResponse's JSON, with the changes' text put in as it is. */
export function pullResponseText(result: PullResult): string {
  if ('reset' in result) return JSON.stringify(result);
  const { changes, ...page } = result;
  return `${JSON.stringify(page).slice(0, -1)},"changes":${changes}}`;
}

/**
 * Changes after the device's cursor (docs/SYNC.md §Pull). The page, the cursor and lastMutationId
 * come from one statement, so from one snapshot, as a REPEATABLE READ transaction would give,
 * in one round trip instead of six. A page ends at the end of a version, so one transaction
 * (a plan with its workouts) never arrives in halves.
 */
export async function pull(db: Database, userId: string, request: PullRequest, now: Date): Promise<PullResult> {
  if (request.schemaVersion < MIN_SCHEMA_VERSION) throw clientTooOld();
  const { cursor } = request;
  const page = await readPage(db, userId, request);
  if (!page.epoch) throw new Error('sync_meta has no row: migrations did not run');
  const epoch = page.epoch;
  const userVersion = Number(page.user_version);
  if (cursor) {
    if (cursor.epoch !== epoch) return { reset: true, reason: 'epoch_changed', epoch };
    if (cursor.v > userVersion) return { reset: true, reason: 'cursor_ahead', epoch };
    if (cursor.v < Number(page.horizon)) return { reset: true, reason: 'cursor_too_old', epoch };
  }
  if (page.client_user !== null && page.client_user !== userId) {
    throw new AppError('client_id_taken', { message: 'This device id belongs to another account. Sign in again on this device.' });
  }
  const from = cursor?.v ?? 0;
  const next = page.has_more ? Number(page.last_version) : Math.max(from, userVersion);
  return {
    cursor: { epoch, v: next },
    hasMore: page.has_more,
    lastMutationId: Number(page.last_mutation_id ?? 0),
    serverTime: now.getTime(),
    changes: `[${page.changes ?? ''}]`,
  };
}

interface PageRow {
  epoch: string | null;
  user_version: string | number | bigint;
  horizon: string | number | bigint;
  client_user: string | null;
  last_mutation_id: string | number | bigint | null;
  last_version: string | number | bigint | null;
  has_more: boolean;
  changes: string | null;
}

/**
 * The sync state and the page of changes after the cursor, each change as the JSON text of a
 * Change. A page is the first `limit` log entries, extended to the end of the last one's
 * version; a first download's first page is extended up to the horizon as well, so every later
 * cursor it holds is at or above the horizon and a purge never turns a download in progress
 * into resets. A cursor the caller will answer with a reset reads no changes.
 */
async function readPage(db: Database, userId: string, request: PullRequest): Promise<PageRow> {
  const args = [userId, request.clientId, request.cursor?.epoch ?? null, request.cursor?.v ?? 0, request.limit];
  const [row] = await runPrepared<PageRow>(db, 'rc_pull_page', pageStatement(), args);
  return row!;
}

let pageStatementText: string | undefined;

/**
 * The statement's text, the same for every pull, so it is written once (building it from the
 * schema cost more than running it) and prepared once per connection. Its arguments, $1 to $5,
 * are read once into `args`.
 */
function pageStatement(): string {
  if (pageStatementText) return pageStatementText;
  const query = new PgDialect().sqlToQuery(sql`
    with args as (
      select ${sql.raw('$1')}::uuid as user_id, ${sql.raw('$2')}::text as client_id, ${sql.raw('$3')}::uuid as cursor_epoch,
             ${sql.raw('$4')}::bigint as from_version, ${sql.raw('$5')}::int as page_size
    ),
    state as (
      select (select epoch from sync_meta where id = 1) as epoch,
             coalesce(u.version, 0) as user_version, coalesce(u.horizon, 0) as horizon,
             c.user_id as client_user, c.last_mutation_id
      from args a
      left join sync_user u on u.user_id = a.user_id
      left join sync_client c on c.client_id = a.client_id
    ),
    reading as (
      select a.cursor_epoch is null or (a.cursor_epoch = s.epoch and a.from_version between s.horizon and s.user_version) as readable,
             case when a.cursor_epoch is null then s.horizon else 0 end as end_at_least
      from args a, state s
    ),
    -- The first page_size entries and the rest of the last one's version, read off the index.
    limited as (
      select l.version, l.entity, l.entity_id, l.op
      from change_log l
      where l.user_id = (select user_id from args) and l.version > (select from_version from args) and (select readable from reading)
      order by l.version
      fetch first (select page_size from args) rows with ties
    ),
    bounds as (
      -- No entries: no page end, and nothing more.
      select case when count(*) > 0 then greatest(max(version), (select end_at_least from reading)) end as page_end from limited
    ),
    entries as (
      select * from limited
      union all
      select l.version, l.entity, l.entity_id, l.op
      from change_log l, bounds b
      where l.user_id = (select user_id from args) and l.version > (select max(version) from limited) and l.version <= b.page_end
    )
    select s.*, b.page_end as last_version,
      coalesce(b.page_end < (select max(l.version) from change_log l where l.user_id = (select user_id from args)), false) as has_more,
      (select string_agg(${changeJson()}, ',' order by e.version) from entries e) as changes
    from state s, bounds b`);
  if (query.params.length > 0) throw new Error('the page statement takes its arguments as $1 to $5 only');
  pageStatementText = query.sql;
  return pageStatementText;
}

/**
 * SQL for the log entry `e` as the JSON text of a Change: the row's current state for an
 * update. In one snapshot the log says 'u' only for a row that exists; a missing row is sent as
 * a delete anyway, to be safe.
 */
function changeJson(): SQL {
  const rowAndClocks = SYNCED_ENTITIES.map((entity) => {
    const { table, key } = ENTITIES[entity];
    return sql`when ${sql.raw(`'${entity}'`)} then (
      select concat(',"row":', ${rowJsonSql(entity)}, ',"hlc":', ${hlcJsonSql(entity)})
      from ${table} where ${column(table, key)} = e.entity_id::uuid and ${column(table, 'user_id')} = (select user_id from args))`;
  });
  return sql`concat('{"v":', e.version, ',"entity":', to_json(e.entity), ',"id":', to_json(e.entity_id),
    coalesce(',"op":"u"' || case when e.op = 'u' then case e.entity ${sql.join(rowAndClocks, sql` `)} end end, ',"op":"d"'), '}')`;
}
