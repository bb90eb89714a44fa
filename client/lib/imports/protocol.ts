import type { ArchiveItem } from '#shared/imports/archive.ts';

// The messages between the Activities screen and the import worker (import.worker.ts).

/** Page → worker: import `file` from item `from` (0, or where a reloaded import stopped). */
export interface ImportRequest {
  file: File;
  from: number;
  timeZone?: string;
}

/** Worker → page, in this order: opened (or failed), each item from `from` on, then done. */
export type ImportMessage =
  | { type: 'opened'; total: number; stravaExport: boolean }
  | { type: 'item'; index: number; item: ArchiveItem }
  | { type: 'done' }
  | { type: 'failed'; reason: string };
