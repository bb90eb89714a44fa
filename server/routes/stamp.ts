import type { AppDeps } from '../lib/context.ts';
import { getProfile } from '../domain/profile.ts';
import { serverStamp, type WriteStamp } from '../domain/stamp.ts';

/** A server-clock stamp for a REST write, with "today" in the runner's time zone. */
export async function restStamp(deps: AppDeps, userId: string): Promise<WriteStamp> {
  const profile = await getProfile(deps.db, userId);
  return serverStamp(deps.now(), profile.time_zone);
}
