import type { ArchiveItem } from '#shared/imports/archive.ts';
import type { ImportedRun } from '#shared/imports/decode.ts';
import { isKnownRun, recordingKey, type KnownRun } from '#shared/imports/duplicates.ts';
import type { UserDb } from '../data/db.ts';
import { mutate } from '../data/mutations.ts';

// The phone's side of an import (issue 27 §3): runs decoded from a file or from a Strava export
// (client/lib/imports/import.worker.ts) are written one by one through activity.upload, so each is
// in Dexie and in the outbox in one transaction (offline, synced later), skipping those already
// here by the rule the server uses (shared/imports/duplicates.ts). An archive's progress is kept
// in storage after every item, so a reload resumes where it stopped.

/** What an import did, as the runner reads it at the end. */
export interface ImportSummary {
  imported: number;
  duplicates: number;
  /** Files refused, all of them counted… */
  refusedCount: number;
  /** …and the first MAX_REFUSALS_KEPT with why. */
  refused: { file: string; reason: string }[];
}

/** The archive being imported and how far it got: stored after each item. */
export interface ImportProgress {
  fileName: string;
  size: number;
  total: number;
  /** Items done: the import continues with item `next`. */
  next: number;
  summary: ImportSummary;
}

/** Where progress is kept (localStorage on the phone). */
export type ProgressStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** At most this many refusals are kept for the summary: a long archive of rides should not fill storage. */
export const MAX_REFUSALS_KEPT = 200;

const progressKey = (userId: string): string => `runcoach.import.${userId}`;

/** The unfinished import of this runner, if any (a reload mid-import left it). */
export function readProgress(storage: ProgressStorage, userId: string): ImportProgress | null {
  const text = storage.getItem(progressKey(userId));
  if (!text) return null;
  try {
    const value = JSON.parse(text) as ImportProgress;
    return typeof value.fileName === 'string' && typeof value.next === 'number' && value.summary ? value : null;
  } catch {
    return null;
  }
}

/** Forgets the unfinished import (the runner gave it up). */
export function forgetProgress(storage: ProgressStorage, userId: string): void {
  storage.removeItem(progressKey(userId));
}

const knownOf = (run: { source: string; external_id: string; start: string; distance_meters: number }): KnownRun => ({
  start: Date.parse(run.start),
  distance: run.distance_meters,
  key: recordingKey(run.source, run.external_id),
});

/** Writes runs to the phone, skipping those already there; the runs known so far are read once. */
export class RunWriter {
  private constructor(
    private readonly db: UserDb,
    private readonly known: KnownRun[],
  ) {}

  /** A writer that knows every run the phone holds now. */
  static async open(db: UserDb): Promise<RunWriter> {
    const rows = await db.view('strava_activities').toArray();
    const known = rows.map((row) =>
      knownOf({
        source: String(row.source),
        external_id: String(row.external_id),
        start: String(row.start_date),
        distance_meters: Number(row.distance_meters),
      }),
    );
    return new RunWriter(db, known);
  }

  /** Writes the runs not already here; returns how many were written and how many skipped. */
  async write(runs: readonly ImportedRun[]): Promise<{ imported: number; duplicates: number }> {
    let imported = 0;
    for (const run of runs) {
      const candidate = knownOf({ ...run.activity, start: run.activity.start_time });
      if (isKnownRun(candidate, this.known)) continue;
      await mutate(this.db, 'activity.upload', { id: crypto.randomUUID(), activity: run.activity });
      // A run twice in one archive is a duplicate too.
      this.known.push(candidate);
      imported++;
    }
    return { imported, duplicates: runs.length - imported };
  }
}

/**
 * One archive's import: takes the worker's items in order, writes their runs and saves progress
 * after each, so a reload loses at most the item being written (whose runs, if written, are
 * found again as duplicates on resume).
 */
export class ArchiveImport {
  private constructor(
    private readonly writer: RunWriter,
    private readonly storage: ProgressStorage,
    private readonly userId: string,
    readonly progress: ImportProgress,
  ) {}

  /**
   * Starts importing `file` (total items from the opened archive); an unfinished import of the
   * same file (name and size) continues from where it stopped.
   */
  static async start(db: UserDb, storage: ProgressStorage, file: { name: string; size: number }, total: number): Promise<ArchiveImport> {
    const stored = readProgress(storage, db.userId);
    const same = stored && stored.fileName === file.name && stored.size === file.size && stored.total === total;
    const progress: ImportProgress = same
      ? stored
      : { fileName: file.name, size: file.size, total, next: 0, summary: { imported: 0, duplicates: 0, refusedCount: 0, refused: [] } };
    const started = new ArchiveImport(await RunWriter.open(db), storage, db.userId, progress);
    started.save();
    return started;
  }

  /** Item number `index` of the archive (they come in order from `progress.next`). */
  async take(index: number, item: ArchiveItem): Promise<void> {
    // An item already counted (a worker restarted before the stored point) is not counted twice.
    if (index < this.progress.next) return;
    const summary = this.progress.summary;
    if (item.ok) {
      const written = await this.writer.write(item.runs);
      summary.imported += written.imported;
      summary.duplicates += written.duplicates;
    } else {
      summary.refusedCount++;
      if (summary.refused.length < MAX_REFUSALS_KEPT) summary.refused.push({ file: item.file, reason: item.reason });
    }
    this.progress.next = index + 1;
    this.save();
  }

  /** True once every item was taken. */
  get done(): boolean {
    return this.progress.next >= this.progress.total;
  }

  /** The import is over (finished, or the archive could not be read): nothing to resume. */
  finish(): ImportSummary {
    forgetProgress(this.storage, this.userId);
    return this.progress.summary;
  }

  private save(): void {
    this.storage.setItem(progressKey(this.userId), JSON.stringify(this.progress));
  }
}
