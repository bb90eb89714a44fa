import { eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { SyncedEntity } from '#shared/sync/protocol.ts';
import type { Executor } from '../db/database.ts';
import { column, ENTITIES } from './rows.ts';
import { rowsOf } from './versions.ts';

// Synced rows written as JSON text by the database, the way a device receives them. A pull
// page carries a thousand rows; loading every column into a JS value (a Date, a parsed jsonb)
// only to write it out as JSON again was most of a pull's cost.

/** SQL for a row of `entity` as the JSON a device receives: snake_case keys, hidden columns left out. */
export function rowJsonSql(entity: SyncedEntity): SQL {
  let built = rowJsonCache.get(entity);
  if (!built) {
    const { table, hidden } = ENTITIES[entity];
    const visible = Object.values(getTableColumns(table)).filter((c) => !hidden.includes(c.name));
    // concat() writes the row once; a chain of || copies the growing text at every step.
    // Postgres allows 100 arguments per call; our widest table needs 40.
    if (visible.length * 2 + 1 > 100) throw new Error(`${entity} has too many columns for one concat()`);
    const parts = visible.flatMap((c, i) => [sql.raw(`'${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:'`), sql`coalesce(${jsonValue(c)}, 'null')`]);
    built = sql`concat(${sql.join(parts, sql`, `)}, '}')`;
    rowJsonCache.set(entity, built);
  }
  return built;
}

/** SQL for the row's field clocks as JSON (`{}` for tables whose rows have none). */
export function hlcJsonSql(entity: SyncedEntity): SQL {
  const hlc = getTableColumns(ENTITIES[entity].table).field_hlc;
  return hlc ? sql`coalesce(${hlc}::text, '{}')` : sql`'{}'`;
}

const rowJsonCache = new Map<SyncedEntity, SQL>();

/**
 * A column's value as the JSON text JSON.stringify writes for what drizzle loads from it, or
 * SQL null for a null value.
 */
function jsonValue(c: PgColumn): SQL {
  switch (c.columnType) {
    case 'PgTimestamp':
      // A loaded Date is written as Date#toISOString: UTC, milliseconds. to_char truncates
      // microseconds, as parsing into a Date does.
      return sql`'"' || to_char(${c} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"'`;
    case 'PgUUID':
    case 'PgDateString':
      return sql`'"' || ${c} || '"'`;
    case 'PgText':
      return sql`to_json(${c})::text`;
    case 'PgDoublePrecision':
      // JSON has no NaN or Infinity, and JSON.stringify writes null for them (x - x = 0 only
      // for a finite x). Finite values come out in the shortest form that reads back exactly.
      return sql`case when ${c} - ${c} = 0 then ${c}::text end`;
    case 'PgInteger':
    case 'PgBoolean':
    case 'PgJsonb':
      return sql`${c}::text`;
    default:
      throw new Error(`${c.name}: no device JSON for a ${c.columnType} column yet`);
  }
}

/** Every row of the user's of one entity as devices see it (for the digest). */
export async function wireRows(db: Executor, userId: string, entity: SyncedEntity): Promise<Record<string, unknown>[]> {
  const { table } = ENTITIES[entity];
  const result = await db.execute(sql`select ${rowJsonSql(entity)} as row from ${table} where ${eq(column(table, 'user_id'), userId)}`);
  return rowsOf<{ row: string }>(result).map(({ row }) => JSON.parse(row) as Record<string, unknown>);
}
