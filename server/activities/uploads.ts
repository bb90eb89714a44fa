import type { Activity, ActivitySource } from '#shared/schema/activity.ts';
import type { Executor } from '../db/database.ts';
import { AppError } from '../lib/errors.ts';
import { upsertActivity } from './store.ts';
import { rematchDays, userToday } from './matching.ts';
import type { WriteStamp } from '../lib/write-stamp.ts';

// What a device may upload: the runner's own files (a watch's .FIT, an imported FIT/GPX/TCX file,
// their Strava archive). Strava API runs arrive only from Strava, manual logs by their own route.
const DEVICE_SOURCES: readonly ActivitySource[] = ['fit_upload', 'file_import', 'strava_export'];

/**
 * Stores a run the device decoded from one of the runner's own files (a .FIT upload, or a file or
 * Strava archive imported on the phone) and matches it to the plan. Uploading the same recording
 * again refreshes it, never duplicates it.
 */
export async function uploadActivity(db: Executor, userId: string, id: string, activity: Activity, stamp: WriteStamp): Promise<void> {
  if (!DEVICE_SOURCES.includes(activity.source)) {
    throw new AppError('wrong_source', {
      message: `Uploaded activities come from the runner's own files (source ${DEVICE_SOURCES.join(', ')}).`,
      issues: [{ path: 'activity.source', message: `must be one of ${DEVICE_SOURCES.join(', ')}` }],
    });
  }
  const { row, previousLocalDate } = await upsertActivity(db, userId, activity, { now: stamp.now, id });
  const days = [row.local_date, ...(previousLocalDate ? [previousLocalDate] : [])];
  await rematchDays(db, userId, days, stamp.now, await userToday(db, userId, stamp.now));
}
