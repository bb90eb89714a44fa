import { Hono } from 'hono';
import { MemoryUpdateSchema } from '#shared/schema/coach.ts';
import { deleteMemory, listMemories, publicMemory, updateMemory } from './memory-store.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { readJson } from '../lib/http.ts';
import { routeId } from '../lib/route-id.ts';
import { restStamp } from '../profile/rest-stamp.ts';

/** What the coach remembers; the runner reads, corrects and deletes it. */
export function memoryRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const user = requireUser(c);
    return c.json({ memories: (await listMemories(deps.db, user.id)).map(publicMemory) });
  });

  app.patch('/:id', async (c) => {
    const user = requireUser(c);
    const id = routeId(c.req.param('id'), 'The memory');
    const update = await readJson(c, MemoryUpdateSchema);
    const row = await updateMemory(deps.db, user.id, id, update, await restStamp(deps, user.id));
    return c.json({ memory: publicMemory(row) });
  });

  app.delete('/:id', async (c) => {
    const user = requireUser(c);
    const id = routeId(c.req.param('id'), 'The memory');
    await deleteMemory(deps.db, user.id, id, await restStamp(deps, user.id));
    return c.body(null, 204);
  });

  return app;
}
