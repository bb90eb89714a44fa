/// <reference lib="webworker" />
import { openArchive } from '#shared/imports/archive.ts';
import { blobSource } from '#shared/zip/read.ts';
import type { ImportMessage, ImportRequest } from './protocol.ts';

// Reads a ZIP of runs (Strava's account archive) off the screen's thread: the archive is read
// from the File a slice at a time, each entry unpacked and decoded in turn and posted back, so
// thousands of files never block the screen nor sit in memory at once (issue 27 §3).

const post = (message: ImportMessage): void => (self as unknown as DedicatedWorkerGlobalScope).postMessage(message);

self.onmessage = async (event: MessageEvent<ImportRequest>) => {
  const { file, from, timeZone } = event.data;
  try {
    const opened = await openArchive(blobSource(file), timeZone ? { timeZone } : {});
    if (!opened.ok) {
      post({ type: 'failed', reason: opened.reason });
      return;
    }
    post({ type: 'opened', total: opened.archive.total, stravaExport: opened.archive.stravaExport });
    let index = from;
    for await (const item of opened.archive.items(from)) post({ type: 'item', index: index++, item });
    post({ type: 'done' });
  } catch (caught) {
    // The shared readers return refusals as values; this is the phone failing to read its own file.
    post({ type: 'failed', reason: `the archive could not be read on this phone (${caught instanceof Error ? caught.message : String(caught)})` });
  }
};
