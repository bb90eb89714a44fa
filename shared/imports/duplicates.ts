// One rule for "this run is already here", used by the server's import (server/activities/imports.ts)
// and the phone's (client/lib/imports/writer.ts), so an archive imported on either side, or on
// both, keeps each run once: the same recording, or the same start ± 60 s and distance ± 2%
// (a watch's file and Strava's copy of the same run differ by a few seconds and metres).

/** Same start within this, and… */
export const SAME_START_MS = 60_000;
/** …distance within this fraction of the longer of the two. */
export const SAME_DISTANCE = 0.02;

/** A run as the rule compares it: start (ms since the epoch), distance (m), and its recording's key. */
export interface KnownRun {
  start: number;
  distance: number;
  /** source and external id, as recordingKey makes it. */
  key: string;
}

/** The identity of a recording: the same file imported twice has the same key. */
export const recordingKey = (source: string, externalId: string): string => `${source}\u0000${externalId}`;

/** True when `run` is one of `known`: the same recording, or the same start and distance. */
export function isKnownRun(run: KnownRun, known: Iterable<KnownRun>): boolean {
  for (const k of known) {
    if (k.key === run.key) return true;
    if (Math.abs(k.start - run.start) <= SAME_START_MS && Math.abs(k.distance - run.distance) <= SAME_DISTANCE * Math.max(k.distance, run.distance))
      return true;
  }
  return false;
}
