import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openArchive, type ArchiveItem, type OpenedArchive } from '#shared/imports/archive.ts';
import { stravaExport, type GeneratedExport } from '#shared/imports/testing.ts';
import type { Activity } from '#shared/schema/activity.ts';
import { bytesSource } from '#shared/zip/read.ts';
import type { UserDb } from '../data/db.ts';
import { openFreshUserDb } from '../data/test-kit.ts';
import { ArchiveImport, readProgress, RunWriter, type ProgressStorage } from './writer.ts';

const USER = '00000000-0000-4000-8000-0000000000c1';

/** localStorage's contract over a Map (Node has no localStorage). */
class MemoryStorage implements ProgressStorage {
  readonly values = new Map<string, string>();
  getItem = (key: string) => this.values.get(key) ?? null;
  setItem = (key: string, value: string) => void this.values.set(key, value);
  removeItem = (key: string) => void this.values.delete(key);
}

let generated: GeneratedExport;
beforeAll(async () => {
  generated = await stravaExport(24, { seed: 3 });
}, 60_000);

const dbs: UserDb[] = [];
afterEach(() => dbs.splice(0).forEach((db) => db.close()));
async function freshDb(): Promise<UserDb> {
  const db = await openFreshUserDb(USER, () => Date.parse('2026-03-02T07:00:00Z'));
  dbs.push(db);
  return db;
}

async function opened(): Promise<OpenedArchive> {
  const result = await openArchive(bytesSource(generated.zip), { timeZone: 'UTC' });
  if (!result.ok) throw new Error(result.reason);
  return result.archive;
}

const FILE = { name: 'export_123.zip', size: 0 };

/** Feeds items from `from` to `until` (exclusive) into the import, as the page does with the worker's messages. */
async function feed(archive: OpenedArchive, job: ArchiveImport, from: number, until = Infinity): Promise<void> {
  let index = from;
  for await (const item of archive.items(from)) {
    if (index >= until) break;
    await job.take(index++, item);
  }
}

describe('the phone’s import of a Strava export (Dexie + outbox)', () => {
  it('writes every run once, through the outbox; the same export again adds nothing', async () => {
    const db = await freshDb();
    const storage = new MemoryStorage();
    const archive = await opened();
    const file = { ...FILE, size: generated.zip.length };

    const first = await ArchiveImport.start(db, storage, file, archive.total);
    await feed(archive, first, 0);
    expect(first.done).toBe(true);
    const summary = first.finish();
    expect(summary).toMatchObject({ imported: generated.runs, duplicates: 0, refusedCount: generated.others });
    expect(summary.refused.every((r) => /^activities\/\d+\.(fit|gpx|tcx)\.gz$/.test(r.file) && /ride/i.test(r.reason))).toBe(true);
    const rows = await db.view('strava_activities').toArray();
    expect(rows).toHaveLength(generated.runs);
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['strava_export']));
    const outbox = await db.outbox.toArray();
    expect(outbox.map((e) => `${e.name}@${e.v}`)).toEqual(Array(generated.runs).fill('activity.upload@2'));
    expect(readProgress(storage, USER)).toBeNull();

    const again = await ArchiveImport.start(db, storage, file, archive.total);
    await feed(archive, again, 0);
    expect(again.finish()).toMatchObject({ imported: 0, duplicates: generated.runs, refusedCount: generated.others });
    expect(await db.view('strava_activities').count()).toBe(generated.runs);
    expect(await db.outbox.count()).toBe(generated.runs);
  });

  it('resumes after a reload from the stored item, counting the whole archive once', async () => {
    const db = await freshDb();
    const storage = new MemoryStorage();
    const file = { ...FILE, size: generated.zip.length };
    const archive = await opened();

    const before = await ArchiveImport.start(db, storage, file, archive.total);
    await feed(archive, before, 0, 10);
    // The page is reloaded here: only storage and Dexie survive.
    expect(readProgress(storage, USER)).toMatchObject({ fileName: 'export_123.zip', next: 10, total: archive.total });

    const reopened = await opened();
    const after = await ArchiveImport.start(db, storage, file, reopened.total);
    expect(after.progress.next).toBe(10);
    await feed(reopened, after, after.progress.next);
    expect(after.finish()).toMatchObject({ imported: generated.runs, duplicates: 0, refusedCount: generated.others });
    expect(await db.view('strava_activities').count()).toBe(generated.runs);
  });

  it('a different file (another size) starts from the beginning; an item taken twice is counted once', async () => {
    const db = await freshDb();
    const storage = new MemoryStorage();
    const archive = await opened();
    const partial = await ArchiveImport.start(db, storage, { ...FILE, size: generated.zip.length }, archive.total);
    await feed(archive, partial, 0, 5);
    const items: ArchiveItem[] = [];
    for await (const item of archive.items(4)) {
      items.push(item);
      break;
    }
    await partial.take(4, items[0]!);
    expect(partial.progress.next).toBe(5);

    const other = await ArchiveImport.start(db, storage, { ...FILE, size: generated.zip.length + 1 }, archive.total);
    expect(other.progress.next).toBe(0);
    expect(other.progress.summary).toMatchObject({ imported: 0, duplicates: 0, refusedCount: 0 });
  });
});

describe('RunWriter: the same run by the rule the server uses (start ± 60 s, distance ± 2%)', () => {
  const run = (start: string, meters: number, externalId: string, source: Activity['source'] = 'file_import'): { activity: Activity; name: null } => ({
    activity: {
      source,
      external_id: externalId,
      activity_type: 'Run',
      start_time: start,
      local_date: start.slice(0, 10),
      distance_meters: meters,
      moving_time_seconds: 1800,
      elapsed_time_seconds: 1800,
      laps: [],
    },
    name: null,
  });

  it('skips a run already held from another file within the window, keeps one outside it', async () => {
    const db = await freshDb();
    const writer = await RunWriter.open(db);
    expect(await writer.write([run('2026-02-01T07:00:00.000Z', 10_000, 'watch-1', 'fit_upload')])).toEqual({ imported: 1, duplicates: 0 });

    // Reopened, as a later import would: the runs come from Dexie.
    const later = await RunWriter.open(db);
    const result = await later.write([
      run('2026-02-01T07:00:45.000Z', 10_150, 'gpx-a'), // 45 s and 1.5% off: the same run
      run('2026-02-01T07:01:30.000Z', 10_000, 'gpx-b'), // 90 s off: another run
      run('2026-02-01T07:00:10.000Z', 10_300, 'gpx-c'), // 3% longer: another run
      run('2026-02-01T07:01:31.000Z', 10_000, 'gpx-b2'), // 1 s after gpx-b, written just before: the same as it
    ]);
    expect(result).toEqual({ imported: 2, duplicates: 2 });
    const held = (await db.view('strava_activities').toArray()).map((r) => r.external_id).sort();
    expect(held).toEqual(['gpx-b', 'gpx-c', 'watch-1']);
  });
});
