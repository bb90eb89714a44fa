import { and, eq, ne, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { changeLog } from '../db/schema.ts';
import type { Block } from './context-blocks.ts';

// The runner-data part of the coach's context changes only when one of the runner's synced rows
// does, and every such write (push, REST, Strava job, coach) bumps their version in the change
// log by trigger (SYNC.md). So the rendered blocks are kept per runner, keyed by that version
// (chat messages left out: they are read fresh every time), the runner's date and the policy
// flag. One indexed read replaces the half-dozen behind the blocks. The version is read before
// the data, so a write landing in between only makes the next check miss, never serve stale data.

const MAX_RUNNERS = 200;
const cache = new Map<string, { key: string; blocks: Block[] }>();

/** The runner's latest change-log version over everything but chat messages. */
async function dataVersion(db: Executor, userId: string): Promise<string> {
  const [row] = await db
    .select({ v: sql<string | number | null>`max(${changeLog.version})` })
    .from(changeLog)
    .where(and(eq(changeLog.user_id, userId), ne(changeLog.entity, 'chat_messages')));
  return String(row?.v ?? 0);
}

/** The runner's blocks from the cache when nothing changed since, else from `load` (then kept). */
export async function cachedBlocks(db: Executor, userId: string, facets: string, load: () => Promise<Block[]>): Promise<Block[]> {
  const key = `${await dataVersion(db, userId)}|${facets}`;
  const hit = cache.get(userId);
  if (hit?.key === key) return hit.blocks;
  const blocks = await load();
  cache.delete(userId); // re-inserted last: the Map's order is the eviction order
  cache.set(userId, { key, blocks });
  if (cache.size > MAX_RUNNERS) cache.delete(cache.keys().next().value!);
  return blocks;
}

/** Empties the cache (a benchmark measuring the cold path; tests that want a fresh build). */
export function clearBlockCache(): void {
  cache.clear();
}
