import { Hono } from 'hono';
import { dateInZone } from '#shared/time/zone.ts';
import { ProfileUpdateSchema } from '#shared/schema/profile.ts';
import { calendarUrl, rotateCalendarToken } from './calendar-link.ts';
import { getProfile, publicProfile, updateProfileFields } from './profile.ts';
import { profileZones } from './training-context.ts';
import { serverStamp } from '../lib/write-stamp.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { readJson } from '../lib/http.ts';

/** The signed-in runner's profile; there is no way to name another user's. */
export function profileRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const withCalendar = (row: Parameters<typeof publicProfile>[0], userId: string, version: number) => ({
    ...publicProfile(row),
    calendar_url: calendarUrl(deps.config.publicUrl, deps.config.sessionSecret, userId, version),
  });

  // The runner's zones ride along with the profile: the screens that edit the figures show what they give.
  app.get('/', async (c) => {
    const user = requireUser(c);
    const row = await getProfile(deps.db, user.id);
    const zones = await profileZones(deps.db, row, dateInZone(deps.now(), row.time_zone));
    return c.json({ profile: withCalendar(row, user.id, user.calendar_token_version), zones });
  });

  // Settings → "new calendar link": the old feed URL stops working.
  app.post('/calendar/rotate', async (c) => {
    const user = requireUser(c);
    const version = await rotateCalendarToken(deps.db, user.id);
    return c.json({ profile: withCalendar(await getProfile(deps.db, user.id), user.id, version) });
  });

  app.put('/', async (c) => {
    const user = requireUser(c);
    const update = await readJson(c, ProfileUpdateSchema);
    const current = await getProfile(deps.db, user.id);
    const row = await updateProfileFields(deps.db, user.id, update, serverStamp(deps.now(), current.time_zone));
    return c.json({ profile: withCalendar(row, user.id, user.calendar_token_version) });
  });

  return app;
}
