import { Hono } from 'hono';
import { ChatHistoryQuerySchema } from '#shared/schema/coach.ts';
import { listConversations, listMessages } from './chat-store.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { readQuery } from '../lib/http.ts';

/** The chat history, newest page first (`before` pages back). */
export function chatRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/messages', async (c) => {
    const user = requireUser(c);
    const query = readQuery(c, ChatHistoryQuerySchema);
    return c.json(await listMessages(deps.db, user.id, query));
  });

  /** The runner's conversations (threads), latest first. */
  app.get('/conversations', async (c) => {
    const user = requireUser(c);
    return c.json({ conversations: await listConversations(deps.db, user.id) });
  });

  return app;
}
