import { isRunSportType } from '../schema/activity.ts';
import { readZipDirectory, readZipEntry, type RandomAccess, type ZipDirectoryEntry } from '../zip/read.ts';
import { readStravaCsv, type StravaCsvRow } from './csv.ts';
import { decodeRunFile, MAX_FILE_BYTES, type ImportedRun } from './decode.ts';

// A ZIP of runs: Strava's account archive (activities.csv beside activities/*.fit.gz|gpx.gz|tcx.gz,
// issue 27 §3), or any archive of FIT/GPX/TCX files. Entries are read and decoded one at a time.

/** The outcome for one file of the archive (or one row of activities.csv without a file). */
export type ArchiveItem = { file: string; ok: true; runs: ImportedRun[]; notes: string[] } | { file: string; ok: false; reason: string };

/** An opened archive: how many items it will give (for a progress bar), and the items. */
export interface OpenedArchive {
  /** True for Strava's account archive (it has activities.csv). */
  stravaExport: boolean;
  total: number;
  /**
   * The items in a fixed order, from the `from`-th on: an import interrupted after n items (a
   * reload on the phone) resumes with items(n) on the same file.
   */
  items(from?: number): AsyncGenerator<ArchiveItem>;
}

const RECORDING = /\.(fit|gpx|tcx)(\.gz)?$/i;
const CSV_MAX_BYTES = 64 * 1024 * 1024;

/** A Strava type from the CSV ("Trail Run" → TrailRun) for the decoder, runs and others alike. */
const csvType = (row: StravaCsvRow | undefined): string | undefined => (row && row.type !== '' ? row.type : undefined);

/** Opens a ZIP of runs; a refusal (not a ZIP, a damaged list) is a runner's sentence. */
export async function openArchive(
  source: RandomAccess,
  options: { timeZone?: string } = {},
): Promise<{ ok: true; archive: OpenedArchive } | { ok: false; reason: string }> {
  const directory = await readZipDirectory(source);
  if (!directory.ok) return directory;
  const files = directory.entries.filter((e) => !e.name.endsWith('/'));
  const csvEntry = files.find((e) => /(^|\/)activities\.csv$/i.test(e.name));
  let rows: StravaCsvRow[] = [];
  if (csvEntry) {
    const csv = await readZipEntry(source, csvEntry, CSV_MAX_BYTES);
    if (!csv.ok) return { ok: false, reason: `activities.csv in the archive cannot be read: ${csv.reason}` };
    rows = readStravaCsv(new TextDecoder('utf-8').decode(csv.bytes));
  }
  const stravaExport = csvEntry !== undefined;
  // The CSV's file paths are relative to the archive's top folder, which a re-zipped export may add.
  const prefix = csvEntry ? csvEntry.name.slice(0, csvEntry.name.length - 'activities.csv'.length) : '';
  const byPath = new Map(files.map((e) => [e.name, e]));
  const rowFor = new Map<ZipDirectoryEntry, StravaCsvRow>();
  const orphanRows: StravaCsvRow[] = [];
  for (const row of rows) {
    const entry = row.file ? (byPath.get(prefix + row.file) ?? byPath.get(row.file)) : undefined;
    if (entry) rowFor.set(entry, row);
    // Runs with no recording (entered by hand, or a file missing from the archive) are reported.
    else if (isRunSportType(row.type)) orphanRows.push(row);
  }
  const recordings = files.filter((e) => RECORDING.test(e.name));
  const source_ = stravaExport ? 'strava_export' : 'file_import';
  const archive: OpenedArchive = {
    stravaExport,
    total: recordings.length + orphanRows.length,
    async *items(from = 0) {
      for (const entry of recordings.slice(from)) {
        const row = rowFor.get(entry);
        const read = await readZipEntry(source, entry, MAX_FILE_BYTES);
        if (!read.ok) {
          yield { file: entry.name, ok: false, reason: read.reason };
          continue;
        }
        const type = csvType(row);
        const decoded = await decodeRunFile(entry.name, read.bytes, {
          source: source_,
          ...(options.timeZone ? { timeZone: options.timeZone } : {}),
          ...(type ? { activityType: type } : {}),
        });
        if (!decoded.ok) yield { file: entry.name, ok: false, reason: decoded.reason };
        else {
          const name = row?.name ? row.name : null;
          yield { file: entry.name, ok: true, runs: decoded.runs.map((run) => ({ ...run, name: name ?? run.name })), notes: decoded.notes };
        }
      }
      for (const row of orphanRows.slice(Math.max(0, from - recordings.length))) {
        const label = `activities.csv: ${row.name || row.id}`;
        yield {
          file: label,
          ok: false,
          reason: row.file ? `its file ${row.file} is not in the archive` : 'Strava holds no recording of this run (it was entered by hand)',
        };
      }
    },
  };
  return { ok: true, archive };
}
