import type { UserDb } from '../data/db.ts';
import type { ImportMessage, ImportRequest } from './protocol.ts';
import { ArchiveImport, readProgress, type ImportProgress, type ImportSummary, type ProgressStorage } from './writer.ts';

// Runs one archive's import: the worker reads and decodes, this side writes each item's runs in
// order (ArchiveImport) and reports progress. The worker is its own chunk, loaded only when an
// archive is chosen, so it stays out of the first load.

export type ArchiveImportResult = { ok: true; summary: ImportSummary } | { ok: false; reason: string };

export interface ArchiveImportOptions {
  timeZone?: string;
  /** After each item written (and once when the archive is opened). */
  onProgress(progress: ImportProgress): void;
}

/** Imports `file` (a ZIP of runs) on this phone; an unfinished import of the same file continues. */
export function importArchive(db: UserDb, storage: ProgressStorage, file: File, options: ArchiveImportOptions): Promise<ArchiveImportResult> {
  const stored = readProgress(storage, db.userId);
  const resumeFrom = stored && stored.fileName === file.name && stored.size === file.size ? stored.next : 0;

  return new Promise((resolve) => {
    let worker: Worker | undefined;
    let current: ArchiveImport | undefined;
    // Items are written one after another, in the order the worker sent them.
    let chain: Promise<void> = Promise.resolve();
    const end = (result: ArchiveImportResult) => {
      worker?.terminate();
      resolve(result);
    };

    const handle = async (message: ImportMessage, from: number): Promise<void> => {
      if (message.type === 'failed') {
        // Progress so far is kept: the runner may choose the file again and continue.
        end({ ok: false, reason: message.reason });
      } else if (message.type === 'opened') {
        current = await ArchiveImport.start(db, storage, file, message.total);
        // The stored progress was for another archive of the same name and size: start again from 0.
        if (current.progress.next !== from) return launch(current.progress.next);
        options.onProgress(current.progress);
      } else if (message.type === 'item' && current) {
        await current.take(message.index, message.item);
        options.onProgress(current.progress);
      } else if (message.type === 'done' && current) {
        end({ ok: true, summary: current.finish() });
      }
    };

    const launch = (from: number): void => {
      worker?.terminate();
      const started = new Worker(new URL('./import.worker.ts', import.meta.url), { type: 'module' });
      worker = started;
      started.onmessage = (event: MessageEvent<ImportMessage>) => {
        if (worker !== started) return;
        chain = chain.then(() => handle(event.data, from)).catch((caught: unknown) => end({ ok: false, reason: writeFailure(caught) }));
      };
      started.onerror = (event) => end({ ok: false, reason: `the import stopped on this phone (${event.message || 'the reader could not start'})` });
      const request: ImportRequest = { file, from, ...(options.timeZone ? { timeZone: options.timeZone } : {}) };
      started.postMessage(request);
    };

    launch(resumeFrom);
  });
}

function writeFailure(caught: unknown): string {
  return `a run could not be saved on this phone (${caught instanceof Error ? caught.message : String(caught)}); choose the file again to continue`;
}
