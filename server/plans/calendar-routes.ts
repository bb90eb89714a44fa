import { Hono } from 'hono';
import { z } from 'zod';
import { calendarOwner } from '../profile/calendar-link.ts';
import { calendarFeed } from './calendar.ts';
import type { AppDeps, AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { readQuery } from '../lib/http.ts';

/** GET /api/calendar.ics?token=…: the plan for Google/Apple calendar subscriptions (no cookie). */
export function calendarRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const { token } = readQuery(c, z.object({ token: z.string().max(200) }).strict());
    const userId = await calendarOwner(deps.db, deps.config.sessionSecret, token);
    if (!userId) throw new AppError('not_found', { message: 'This calendar link is not valid any more. Copy the new one from Settings.' });
    const body = await calendarFeed(deps.db, userId, { now: deps.now(), publicUrl: deps.config.publicUrl });
    return c.body(body, 200, { 'Content-Type': 'text/calendar; charset=utf-8', 'Cache-Control': 'private, max-age=300' });
  });
  return app;
}
