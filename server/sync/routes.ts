import { Hono } from 'hono';
import { digestRows } from '#shared/sync/digest.ts';
import { MAX_MUTATIONS_PER_PUSH, MAX_PUSH_BYTES, PROTOCOL_VERSION, PullRequestSchema, PushRequestSchema, SYNCED_ENTITIES } from '#shared/sync/protocol.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { readJson } from '../lib/http.ts';
import { pull, pullResponseText } from './pull.ts';
import { push } from './push.ts';
import { ENTITIES } from './rows.ts';
import { wireRows } from './wire-rows.ts';
import type { Context } from 'hono';

/** POST /api/sync/push, POST /api/sync/pull, GET /api/sync/digest (docs/SYNC.md). */
export function syncRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/push', async (c) => {
    const user = requireUser(c);
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > MAX_PUSH_BYTES) throw tooLarge();
    await refuseOtherProtocols(c);
    const request = await readJson(c, PushRequestSchema);
    return c.json(await push(deps.db, user.id, request, deps.now()));
  });

  app.post('/pull', async (c) => {
    const user = requireUser(c);
    await refuseOtherProtocols(c);
    const request = await readJson(c, PullRequestSchema);
    const result = await pull(deps.db, user.id, request, deps.now());
    return c.body(pullResponseText(result), 200, { 'content-type': 'application/json' });
  });

  app.get('/digest', async (c) => {
    const user = requireUser(c);
    const entities: Record<string, { count: number; hash: string }> = {};
    for (const entity of SYNCED_ENTITIES) {
      entities[entity] = digestRows(await wireRows(deps.db, user.id, entity), ENTITIES[entity].key);
    }
    return c.json({ entities });
  });

  return app;
}

function tooLarge(): AppError {
  return new AppError('payload_too_large', { message: `A push may carry at most ${MAX_PUSH_BYTES / 1024} KB; send fewer mutations at a time.` });
}

/** Size limits (413) and the protocol check (426) come before the body is judged by this protocol's schema. */
async function refuseOtherProtocols(c: Context): Promise<void> {
  const text = await c.req.raw.clone().text();
  if (text.length > MAX_PUSH_BYTES && c.req.path.endsWith('/push')) throw tooLarge();
  let body: { protocol?: unknown; mutations?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return; // readJson reports the malformed body
  }
  if (Array.isArray(body?.mutations) && body.mutations.length > MAX_MUTATIONS_PER_PUSH) {
    throw new AppError('payload_too_large', { message: `A push may carry at most ${MAX_MUTATIONS_PER_PUSH} mutations.` });
  }
  const protocol = body?.protocol;
  if (protocol !== undefined && protocol !== PROTOCOL_VERSION) {
    throw new AppError('protocol_unsupported', {
      message: `This server speaks sync protocol ${PROTOCOL_VERSION}. Reload the app to update it.`,
      extra: { protocol: PROTOCOL_VERSION },
    });
  }
}
