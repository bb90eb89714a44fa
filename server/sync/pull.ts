import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Change, PullRequest, PullResponse, SyncedEntity } from '#shared/sync/protocol.ts';
import type { Database, Transaction } from '../db/database.ts';
import { changeLog } from '../db/schema.ts';
import { AppError } from '../lib/errors.ts';
import { clientTooOld } from './push.ts';
import { forTheWire, loadRows } from './rows.ts';
import { rowsOf } from './versions.ts';
import { MIN_SCHEMA_VERSION } from '#shared/sync/protocol.ts';

/**
 * Changes after the device's cursor (SYNC.md §Pull), read in one REPEATABLE READ snapshot so
 * the cursor, the rows and lastMutationId agree. A page ends at the end of a version, so one
 * transaction (a plan with its workouts) never arrives in halves.
 */
export async function pull(db: Database, userId: string, request: PullRequest, now: Date): Promise<PullResponse> {
  if (request.schemaVersion < MIN_SCHEMA_VERSION) throw clientTooOld();
  return db.transaction(
    async (tx) => {
      const { epoch, userVersion, horizon, client } = await syncState(tx, userId, request.clientId);
      const cursor = request.cursor;
      if (cursor) {
        if (cursor.epoch !== epoch) return { reset: true, reason: 'epoch_changed', epoch };
        if (cursor.v > userVersion) return { reset: true, reason: 'cursor_ahead', epoch };
        if (cursor.v < horizon) return { reset: true, reason: 'cursor_too_old', epoch };
      }
      if (client && client.userId !== userId) {
        throw new AppError(403, 'client_id_taken', 'This device id belongs to another account. Sign in again on this device.');
      }
      const lastMutationId = client?.lastMutationId ?? 0;
      const from = cursor?.v ?? 0;
      // A first download extends its first page up to the horizon: every later cursor it holds
      // is then at or above the horizon, so a purge never turns a download in progress into resets.
      const page = await changesAfter(tx, userId, from, request.limit, cursor ? 0 : horizon);
      const changes = await withRows(tx, userId, page.entries);
      const next = page.hasMore ? page.lastVersion : Math.max(from, userVersion);
      return { cursor: { epoch, v: next }, hasMore: page.hasMore, lastMutationId, serverTime: now.getTime(), changes };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/**
 * The epoch, the user's version and horizon, and the device's row, in one round trip: a
 * download is a dozen pulls in a row, and each used to spend three on these.
 */
async function syncState(tx: Transaction, userId: string, clientId: string) {
  const result = await tx.execute(sql`
    select (select epoch from sync_meta where id = 1) as epoch,
           u.version, u.horizon, c.user_id as client_user, c.last_mutation_id
    from (select 1) as one
    left join sync_user u on u.user_id = ${userId}
    left join sync_client c on c.client_id = ${clientId}`);
  const [row] = rowsOf<{ epoch: string | null; version: string | number | null; horizon: string | number | null; client_user: string | null; last_mutation_id: string | number | null }>(result);
  if (!row?.epoch) throw new Error('sync_meta has no row: migrations did not run');
  return {
    epoch: row.epoch,
    userVersion: Number(row.version ?? 0),
    horizon: Number(row.horizon ?? 0),
    client: row.client_user === null ? null : { userId: row.client_user, lastMutationId: Number(row.last_mutation_id) },
  };
}

// What a page needs of each log entry (not its user_id: every entry of a page is the runner's).
const LOG_COLUMNS = { entity: changeLog.entity, entity_id: changeLog.entity_id, version: changeLog.version, op: changeLog.op };
type LogEntry = Pick<typeof changeLog.$inferSelect, keyof typeof LOG_COLUMNS>;

async function changesAfter(tx: Transaction, userId: string, from: number, limit: number, endAtLeast: number) {
  const first = await tx
    .select(LOG_COLUMNS)
    .from(changeLog)
    .where(and(eq(changeLog.user_id, userId), gt(changeLog.version, from)))
    .orderBy(asc(changeLog.version), asc(changeLog.entity), asc(changeLog.entity_id))
    .limit(limit + 1);
  if (first.length <= limit) return { entries: first, hasMore: false, lastVersion: first.at(-1)?.version ?? from };
  const pageEnd = first[limit - 1]!.version;
  // The extra row starts a new version: the page already ends at the end of one.
  if (first[limit]!.version !== pageEnd && endAtLeast <= pageEnd) return { entries: first.slice(0, limit), hasMore: true, lastVersion: pageEnd };
  // Extend the page to the end of its last version (and to `endAtLeast`).
  const lastVersion = Math.max(pageEnd, endAtLeast);
  const entries = await tx
    .select(LOG_COLUMNS)
    .from(changeLog)
    .where(and(eq(changeLog.user_id, userId), gt(changeLog.version, from), lte(changeLog.version, lastVersion)))
    .orderBy(asc(changeLog.version), asc(changeLog.entity), asc(changeLog.entity_id));
  const [more] = await tx
    .select({ one: sql<number>`1` })
    .from(changeLog)
    .where(and(eq(changeLog.user_id, userId), gt(changeLog.version, lastVersion)))
    .limit(1);
  return { entries, hasMore: more !== undefined, lastVersion };
}

async function withRows(tx: Transaction, userId: string, entries: LogEntry[]): Promise<Change[]> {
  const byEntity = new Map<SyncedEntity, string[]>();
  for (const entry of entries) {
    if (entry.op !== 'u') continue;
    const entity = entry.entity as SyncedEntity;
    const ids = byEntity.get(entity);
    if (ids) ids.push(entry.entity_id);
    else byEntity.set(entity, [entry.entity_id]);
  }
  const loaded = new Map<string, Record<string, unknown>>();
  for (const [entity, ids] of byEntity) {
    for (const [id, row] of await loadRows(tx, userId, entity, ids)) loaded.set(`${entity}:${id}`, row);
  }
  return entries.map((entry): Change => {
    const entity = entry.entity as SyncedEntity;
    const row = entry.op === 'u' ? loaded.get(`${entity}:${entry.entity_id}`) : undefined;
    // In one snapshot the log says 'u' only for a row that exists; be safe anyway.
    if (!row) return { v: entry.version, entity, id: entry.entity_id, op: 'd' };
    const hlc = (row.field_hlc as Record<string, string> | undefined) ?? {};
    return { v: entry.version, entity, id: entry.entity_id, op: 'u', row: forTheWire(entity, row), hlc };
  });
}
