import { Hono } from 'hono';
import { ProfileUpdateSchema } from '#shared/schema/profile.ts';
import { getProfile, publicProfile, updateProfile } from '../domain/profile.ts';
import type { AppDeps, AppEnv } from '../lib/context.ts';
import { readJson } from '../lib/http.ts';
import { requireUser } from '../lib/session.ts';

/** The signed-in runner's profile; there is no way to name another user's. */
export function profileRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const user = requireUser(c);
    return c.json({ profile: publicProfile(await getProfile(deps.db, user.id)) });
  });

  app.put('/', async (c) => {
    const user = requireUser(c);
    const update = await readJson(c, ProfileUpdateSchema);
    const row = await updateProfile(deps.db, user.id, update, deps.now());
    return c.json({ profile: publicProfile(row) });
  });

  return app;
}
