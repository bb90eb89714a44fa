import { Hono } from 'hono';
import { JournalQuerySchema } from '#shared/schema/coach.ts';
import { buildJournal } from './journal.ts';
import type { Claude } from './claude/client.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { readQuery } from '../lib/http.ts';

/** The weekly journal: computed stats and insights, plus the coach's narrative when configured. */
export function journalRoutes(deps: AppDeps, claude: Claude | null): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const user = requireUser(c);
    const { week } = readQuery(c, JournalQuerySchema);
    return c.json(await buildJournal(deps, claude, user.id, week));
  });

  return app;
}
