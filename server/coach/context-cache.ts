import { and, eq, ne, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { changeLog } from '../db/schema.ts';
import type { Block } from './context-blocks.ts';

// The runner-data part of the coach's context changes only when one of the runner's synced rows
// does, and every such write (push, REST, Strava job, coach) bumps their version in the change
// log by trigger (docs/SYNC.md §"The version and the trigger"). So the rendered blocks are kept per runner, keyed by that version
// (chat messages left out: they are read fresh every time), the runner's date and the policy
// flag. One indexed read replaces the half-dozen behind the blocks. The version is read before
// the data, so a write landing in between only makes the next check miss, never serve stale data.
// On a rebuild it also says which blocks' text changed: the prompt cache (cache-layout.ts)
// re-sends only the sections from the first changed one on, and the layout puts the blocks
// that change most often last.

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

/** The runner's blocks, and the keys of those whose text changed since the last build. */
export interface CachedBlocks {
  blocks: Block[];
  changed: string[];
}

/** The runner's blocks from the cache when nothing changed since, else from `load` (then kept). */
export async function cachedBlocks(db: Executor, userId: string, facets: string, load: () => Promise<Block[]>): Promise<CachedBlocks> {
  const key = `${await dataVersion(db, userId)}|${facets}`;
  const hit = cache.get(userId);
  if (hit?.key === key) return { blocks: hit.blocks, changed: [] };
  const blocks = await load();
  const before = new Map((hit?.blocks ?? []).map((b) => [b.key, b.lines.join('\n')]));
  const changed = blocks.filter((b) => before.get(b.key) !== b.lines.join('\n')).map((b) => b.key);
  cache.delete(userId); // re-inserted last: the Map's order is the eviction order
  cache.set(userId, { key, blocks });
  if (cache.size > MAX_RUNNERS) cache.delete(cache.keys().next().value!);
  return { blocks, changed };
}

/** Empties the cache (a benchmark measuring the cold path; tests that want a fresh build). */
export function clearBlockCache(): void {
  cache.clear();
}
