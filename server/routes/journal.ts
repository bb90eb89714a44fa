import { Hono } from 'hono';
import { JournalQuerySchema } from '#shared/schema/coach.ts';
import { buildJournal } from '../coach/journal.ts';
import { createClaude } from '../integrations/claude/client.ts';
import type { AppDeps, AppEnv } from '../lib/context.ts';
import { readQuery } from '../lib/http.ts';
import { requireUser } from '../lib/session.ts';

/** The weekly journal: computed stats and insights, plus the coach's narrative when configured. */
export function journalRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const claude = createClaude(deps.config.anthropic);

  app.get('/', async (c) => {
    const user = requireUser(c);
    const { week } = readQuery(c, JournalQuerySchema);
    return c.json(await buildJournal(deps, claude, user.id, week));
  });

  return app;
}
