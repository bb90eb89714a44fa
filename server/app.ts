import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono, type Context } from 'hono';
import { routePath } from 'hono/route';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { AppDeps, AppEnv } from './context.ts';
import { chooseEncoding, compressJson } from './lib/compress.ts';
import { AppError, databaseRefusal, databaseTrouble, errorBody, errorLogFields } from './lib/errors.ts';
import { sameOriginOnly } from './lib/origin.ts';
import { inlineScriptHashes, securityHeaders } from './lib/security-headers.ts';
import { loadSession } from './accounts/session.ts';
import { adminRoutes } from './operator/routes.ts';
import { accountRoutes, exportRoutes } from './account-data/routes.ts';
import { authRoutes } from './accounts/auth-routes.ts';
import { calendarRoutes } from './plans/calendar-routes.ts';
import { chatRoutes } from './coach/chat-routes.ts';
import { createClaude } from './coach/claude/client.ts';
import { coachPersonalizer } from './coach/personalize.ts';
import { coachRoutes } from './coach/routes.ts';
import { goalRoutes } from './goals/routes.ts';
import { healthRoutes } from './health.ts';
import { journalRoutes } from './coach/journal-routes.ts';
import { memoryRoutes } from './coach/memory-routes.ts';
import { notificationRoutes } from './notifications/routes.ts';
import { planRoutes } from './plans/routes.ts';
import { profileRoutes } from './profile/routes.ts';
import { activityRoutes, goalFeasibilityRoutes, isImportUpload } from './activities/routes.ts';
import { stravaRoutes } from './strava/routes.ts';
import { syncRoutes } from './sync/routes.ts';
import { trainingLoadRoutes } from './fitness/routes.ts';
import { workoutRoutes } from './workouts/routes.ts';
import { serveStatic } from '@hono/node-server/serve-static';

const MAX_BODY_BYTES = 1024 * 1024;

export interface AppOptions {
  /** The built PWA (adapter-static output) to serve beside the API; omitted in API tests. */
  staticDir?: string;
}

/** Builds the whole HTTP app: one sub-app per concern under /api, the PWA for everything else. */
export function createApp(deps: AppDeps, options: AppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId);
  // The built pages' inline bootstrap scripts are allowed by hash, nothing else inline.
  const scriptHashes = options.staticDir && existsSync(options.staticDir) ? inlineScriptHashes(options.staticDir) : [];
  app.use(securityHeaders(deps.config.secureCookies, scriptHashes));

  const api = new Hono<AppEnv>();
  const apiBodyLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError('payload_too_large', { message: `The body is larger than ${MAX_BODY_BYTES / 1024} KB.` });
    },
  });
  // A file import (a whole Strava archive) has its own, larger limit in its route.
  api.use((c, next) => (isImportUpload(c) ? next() : apiBodyLimit(c, next)));
  api.use(sameOriginOnly(deps.config.publicUrl));
  api.use(compressJson());
  // One Claude client for the routes that talk to the coach (null without an API key).
  const claude = createClaude(deps.config.anthropic);
  api.use(loadSession(deps));
  api.route('/health', healthRoutes(deps));
  api.route('/auth', authRoutes(deps));
  api.route('/profile', profileRoutes(deps));
  api.route('/export', exportRoutes(deps));
  api.route('/account', accountRoutes(deps));
  api.route('/goals', goalRoutes(deps));
  api.route('/goals', goalFeasibilityRoutes(deps));
  api.route('/plans', planRoutes(deps, coachPersonalizer(deps, claude)));
  api.route('/workouts', workoutRoutes(deps));
  api.route('/sync', syncRoutes(deps));
  api.route('/calendar.ics', calendarRoutes(deps));
  api.route('/coach', coachRoutes(deps, claude));
  api.route('/chat', chatRoutes(deps));
  api.route('/training-load', trainingLoadRoutes(deps));
  api.route('/memory', memoryRoutes(deps));
  api.route('/journal', journalRoutes(deps, claude));
  api.route('/notifications', notificationRoutes(deps));
  api.route('/admin', adminRoutes(deps));
  api.route('/strava', stravaRoutes(deps));
  api.route('/activities', activityRoutes(deps));
  api.all('*', () => {
    throw new AppError('not_found', { message: 'There is no such API route.' });
  });
  app.route('/api', api);

  if (options.staticDir) mountPwa(app, options.staticDir);
  app.onError((error, c) => handleError(error, c, deps));
  return app;
}

/**
 * Gives every request an id, answered in X-Request-Id: a runner can quote it, and the log lines
 * about the request carry it. Made here, never taken from the request (a caller could forge one).
 */
async function requestId(c: Context<AppEnv>, next: () => Promise<void>): Promise<void> {
  const id = randomUUID();
  c.set('requestId', id);
  c.header('X-Request-Id', id);
  await next();
  c.res.headers.set('X-Request-Id', id);
}

/** Where a log line says an error happened: the route's pattern (ids left out), its method and the request id. */
function where(c: Context<AppEnv>): Record<string, string> {
  let route = 'unknown';
  try {
    // The last matched route is the handler's pattern ('/api/goals/:id'), whatever middleware threw.
    route = routePath(c, -1) || route;
  } catch {
    // No match result (an error before routing): the pattern is unknown, the path is not logged.
  }
  return { route, method: c.req.method, request_id: c.get('requestId') ?? 'none' };
}

function handleError(error: Error, c: Context<AppEnv>, deps: AppDeps): Response {
  if (!c.get('requestId')) c.set('requestId', randomUUID());
  c.header('X-Request-Id', c.get('requestId'));
  if (error instanceof AppError) {
    for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
    return c.json(errorBody(error), error.status);
  }
  if (error instanceof HTTPException && error.status < 500) {
    return c.json(errorBody(new AppError(error.status as 400, 'bad_request', error.message || 'Bad request.')), error.status);
  }
  // A full disk or a restarting database: say so (507/503, retry later) rather than "something went wrong".
  const trouble = databaseTrouble(error);
  if (trouble) {
    deps.log.warn('database trouble', { ...where(c), code: trouble.code, ...errorLogFields(error) });
    for (const [name, value] of Object.entries(trouble.headers ?? {})) c.header(name, value);
    return c.json(errorBody(trouble), trouble.status);
  }
  // A unique id already used, text Postgres cannot store: the caller's to fix, not ours.
  const refusal = databaseRefusal(error);
  if (refusal) return c.json(errorBody(refusal), refusal.status);
  // Unexpected: the operator gets where and what kind (never the message: a database error's
  // quotes the query's parameters), the caller an id to quote and nothing internal.
  deps.log.error('unhandled error', { ...where(c), code: 'internal_error', ...errorLogFields(error) });
  const body = errorBody(
    new AppError('internal_error', { message: `Something went wrong on our side. Please try again; if it goes on, quote ${c.get('requestId')}.` }),
  );
  return c.json({ error: { ...body.error, request_id: c.get('requestId') } }, 500);
}

/**
 * Serves the built PWA; unknown paths get index.html so client-side routes work on reload.
 * Files the build precompressed (name.br, name.gz beside them) go out in the encoding the
 * browser accepts, brotli first.
 */
function mountPwa(app: Hono<AppEnv>, staticDir: string): void {
  const indexPath = join(staticDir, 'index.html');
  if (!existsSync(indexPath)) throw new Error(`The PWA is not built: ${indexPath} is missing. Run \`npm run build\`.`);
  const index = {
    identity: readFileSync(indexPath),
    br: existsSync(`${indexPath}.br`) ? readFileSync(`${indexPath}.br`) : null,
    gzip: existsSync(`${indexPath}.gz`) ? readFileSync(`${indexPath}.gz`) : null,
  };
  const files = serveStatic({ root: staticDir, precompressed: true });
  app.use('*', async (c, next) => {
    let missing = false;
    const found = await files(c, async () => {
      missing = true;
      await next();
    });
    if (missing || !found) return found;
    // Set on the answer itself: serveStatic's onFound runs after the answer is made and loses its headers.
    // Hashed assets never change; everything else (index, service worker, manifest) must revalidate.
    found.headers.set('Cache-Control', c.req.path.startsWith('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    // serveStatic says Vary only when it sends a twin; the plain answer varies by Accept-Encoding too.
    if (!found.headers.has('Vary')) found.headers.set('Vary', 'Accept-Encoding');
    return found;
  });
  const offered = (['br', 'gzip'] as const).filter((encoding) => index[encoding]);
  app.get('*', (c) => {
    c.header('Cache-Control', 'no-cache');
    c.header('Content-Type', 'text/html; charset=utf-8');
    if (offered.length > 0) c.header('Vary', 'Accept-Encoding');
    const encoding = chooseEncoding(c.req.header('Accept-Encoding'), offered);
    const body = encoding ? index[encoding]! : index.identity;
    if (encoding) c.header('Content-Encoding', encoding);
    return c.body(new Uint8Array(body));
  });
}
