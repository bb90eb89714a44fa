import type { AppDeps } from '../context.ts';
import { getProfile } from './profile.ts';
import { serverStamp, type WriteStamp } from '../lib/write-stamp.ts';

/** A server-clock stamp for a REST write, with "today" in the runner's time zone. */
export async function restStamp(deps: AppDeps, userId: string): Promise<WriteStamp> {
  const profile = await getProfile(deps.db, userId);
  return serverStamp(deps.now(), profile.time_zone);
}
