import { and, eq, gte, lte } from 'drizzle-orm';
import { openArchive } from '#shared/imports/archive.ts';
import { decodeRunFile, type ImportedRun } from '#shared/imports/decode.ts';
import { isKnownRun, recordingKey, SAME_START_MS, type KnownRun } from '#shared/imports/duplicates.ts';
import { bytesSource } from '#shared/zip/read.ts';
import type { Database, Executor } from '../db/database.ts';
import { stravaActivities, userProfiles, users } from '../db/schema.ts';
import { AppError } from '../lib/errors.ts';
import { rematchDays, userToday } from './matching.ts';
import { upsertActivities } from './store.ts';

// POST /api/activities/import (issue 27 §4): a single FIT/GPX/TCX file or a ZIP (Strava's account
// archive, or any archive of such files) decoded with the same shared decoders the phone uses,
// deduplicated against every run already there, and written in one transaction.

/** What an import did: runs added, runs already there, files refused (with why), notes on files that imported. */
export interface ImportSummary {
  imported: number;
  duplicates: number;
  refused: { file: string; reason: string }[];
  notes: { file: string; note: string }[];
}

const knownOf = (run: ImportedRun): KnownRun => ({
  start: Date.parse(run.activity.start_time),
  distance: run.activity.distance_meters,
  key: recordingKey(run.activity.source, run.activity.external_id),
});

/**
 * Stores the runs that are not already there (any source: the same start ± 60 s and distance
 * ± 2%, or the same recording id) and matches them to the plan. Call inside a transaction.
 */
export async function storeImportedRuns(db: Executor, userId: string, runs: ImportedRun[], now: Date): Promise<{ imported: number; duplicates: number }> {
  if (runs.length === 0) return { imported: 0, duplicates: 0 };
  // One import per runner at a time (the user row's lock, on Postgres): two at once would each miss
  // the other's runs and store the same run twice from different files.
  await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
  const starts = runs.map((r) => Date.parse(r.activity.start_time));
  const from = new Date(starts.reduce((a, b) => Math.min(a, b)) - SAME_START_MS);
  const to = new Date(starts.reduce((a, b) => Math.max(a, b)) + SAME_START_MS);
  const existing = await db
    .select({
      start: stravaActivities.start_date,
      distance: stravaActivities.distance_meters,
      source: stravaActivities.source,
      external_id: stravaActivities.external_id,
    })
    .from(stravaActivities)
    .where(and(eq(stravaActivities.user_id, userId), gte(stravaActivities.start_date, from), lte(stravaActivities.start_date, to)));
  const known: KnownRun[] = existing.map((e) => ({ start: e.start.getTime(), distance: e.distance, key: recordingKey(e.source, e.external_id) }));
  const fresh: ImportedRun[] = [];
  for (const run of runs) {
    const candidate = knownOf(run);
    if (isKnownRun(candidate, known)) continue;
    fresh.push(run);
    // A run twice in one archive is a duplicate too.
    known.push(candidate);
  }
  const days: string[] = [];
  // upsertActivities writes one source at a time (Node 20 has no Map.groupBy).
  const bySource = new Map<string, ImportedRun[]>();
  for (const run of fresh) {
    const group = bySource.get(run.activity.source);
    if (group) group.push(run);
    else bySource.set(run.activity.source, [run]);
  }
  for (const group of bySource.values()) {
    for (let i = 0; i < group.length; i += 500) {
      const items = group.slice(i, i + 500).map((r) => ({ activity: r.activity, name: r.name, raw: null, fetchedAt: null }));
      days.push(...(await upsertActivities(db, userId, items, now)));
    }
  }
  await rematchDays(db, userId, days, now, await userToday(db, userId, now));
  return { imported: fresh.length, duplicates: runs.length - fresh.length };
}

const isZip = (bytes: Uint8Array): boolean => bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05);

/** Decodes an upload (one file or a ZIP) for `userId` and stores its runs; the summary answers the request. */
export async function importUpload(db: Database, userId: string, fileName: string, bytes: Uint8Array, now: Date): Promise<ImportSummary> {
  if (bytes.length === 0) {
    throw new AppError('validation_failed', {
      message: 'The body is empty: send a FIT, GPX or TCX file, or a ZIP of them.',
      issues: [{ path: 'body', message: 'is empty' }],
    });
  }
  const [profile] = await db.select({ tz: userProfiles.time_zone }).from(userProfiles).where(eq(userProfiles.user_id, userId));
  const options = profile?.tz ? { timeZone: profile.tz } : {};
  const runs: ImportedRun[] = [];
  const summary: ImportSummary = { imported: 0, duplicates: 0, refused: [], notes: [] };
  if (isZip(bytes)) {
    const opened = await openArchive(bytesSource(bytes), options);
    if (!opened.ok) throw new AppError('import_unreadable', { message: `${fileName}: ${opened.reason}.`, issues: [{ path: 'body', message: opened.reason }] });
    for await (const item of opened.archive.items()) {
      if (!item.ok) summary.refused.push({ file: item.file, reason: item.reason });
      else {
        runs.push(...item.runs);
        summary.notes.push(...item.notes.map((note) => ({ file: item.file, note })));
      }
    }
  } else {
    const decoded = await decodeRunFile(fileName, bytes, options);
    if (!decoded.ok)
      throw new AppError('import_unreadable', { message: `${fileName}: ${decoded.reason}.`, issues: [{ path: 'body', message: decoded.reason }] });
    runs.push(...decoded.runs);
    summary.notes.push(...decoded.notes.map((note) => ({ file: fileName, note })));
  }
  const stored = await db.transaction((tx) => storeImportedRuns(tx, userId, runs, now));
  return { ...summary, ...stored };
}
