import type { Activity } from '#shared/schema/activity.ts';
import type { Executor } from '../db/database.ts';
import { AppError } from '../lib/errors.ts';
import { upsertActivity } from './store.ts';
import { rematchDays, userToday } from './matching.ts';
import type { WriteStamp } from '../lib/write-stamp.ts';

/**
 * Stores a run the device decoded from a .FIT file (the runner's own data, source `fit_upload`)
 * and matches it to the plan. Uploading the same file again refreshes it, never duplicates it.
 */
export async function uploadActivity(db: Executor, userId: string, id: string, activity: Activity, stamp: WriteStamp): Promise<void> {
  if (activity.source !== 'fit_upload') {
    throw new AppError('wrong_source', {
      message: 'Uploaded activities come from .FIT files (source fit_upload).',
      issues: [{ path: 'activity.source', message: 'must be fit_upload' }],
    });
  }
  const { row, previousLocalDate } = await upsertActivity(db, userId, activity, { now: stamp.now, id });
  const days = [row.local_date, ...(previousLocalDate ? [previousLocalDate] : [])];
  await rematchDays(db, userId, days, stamp.now, await userToday(db, userId, stamp.now));
}
