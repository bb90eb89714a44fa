import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { addDays } from '#shared/training/dates.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { readQuery } from '../lib/http.ts';
import { routeId } from '../lib/route-id.ts';
import { publicGoal } from '../goals/goals.ts';
import { evaluateGoal } from '../goals/feasibility.ts';
import { userToday } from './matching.ts';
import { getActivity, listActivities } from './store.ts';
import { importUpload } from './imports.ts';

/** The largest import accepted: a Strava archive without its media folder fits many years of runs. */
export const IMPORT_MAX_BYTES = 256 * 1024 * 1024;
/** The path of the import route, which has its own body limit (app.ts skips the 1 MB one for it). */
export const IMPORT_PATH = '/api/activities/import';
// What a file or an archive is sent as; the content decides the format, this only gates the limit.
const IMPORT_TYPES = new Set([
  'application/zip',
  'application/x-zip-compressed',
  'application/octet-stream',
  'application/gzip',
  'application/x-gzip',
  'application/vnd.ant.fit',
  'application/fit',
  'application/gpx+xml',
  'application/vnd.garmin.tcx+xml',
  'application/tcx+xml',
  'application/xml',
  'text/xml',
]);

/** Whether a request carries a file for the import route (then only IMPORT_MAX_BYTES applies). */
export function isImportUpload(c: Context): boolean {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  return c.req.method === 'POST' && c.req.path === IMPORT_PATH && IMPORT_TYPES.has(type);
}

const RangeSchema = z.object({ from: z.iso.date().optional(), to: z.iso.date().optional() }).strict();

/** The runner's activities from every source (GET /api/activities, /api/activities/:id), each with its match. */
export function activityRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const user = requireUser(c);
    const range = readQuery(c, RangeSchema);
    const to = range.to ?? (await userToday(deps.db, user.id, deps.now()));
    const from = range.from ?? addDays(to, -90);
    if (from > to) throw new AppError('validation_failed', { message: '`from` must not be after `to`.', issues: [{ path: 'from', message: 'is after to' }] });
    return c.json({ activities: await listActivities(deps.db, user.id, from, to) });
  });

  app.post(
    '/import',
    bodyLimit({
      maxSize: IMPORT_MAX_BYTES,
      onError: () => {
        throw new AppError('payload_too_large', {
          message: `An import is limited to ${IMPORT_MAX_BYTES / 1024 / 1024} MB. Leave out the media folder of a Strava archive, or send its activities in several ZIPs.`,
        });
      },
    }),
    async (c) => {
      const user = requireUser(c);
      if (!isImportUpload(c)) {
        throw new AppError('unsupported_media_type', {
          message: 'Send a FIT, GPX or TCX file, or a ZIP of them, as the raw body (for example Content-Type: application/zip).',
          issues: [{ path: 'content-type', message: `must be one of ${[...IMPORT_TYPES].join(', ')}` }],
        });
      }
      // An optional file name, only to word refusals ("run.gpx: …").
      const fileName = (c.req.header('x-file-name') ?? 'the file').slice(0, 200);
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      return c.json(await importUpload(deps.db, user.id, fileName, bytes, deps.now()));
    },
  );

  app.get('/:id', async (c) => {
    const user = requireUser(c);
    return c.json({ activity: await getActivity(deps.db, user.id, routeId(c.req.param('id'), 'The activity')) });
  });

  return app;
}

/**
 * POST /api/goals/:id/evaluate: the goal judged against the runner's runs, flagged
 * `flagged_unrealistic` with a sentence or cleared. It lives with the runs that judge it (and
 * that re-judge it after every match), mounted beside the goal routes.
 */
export function goalFeasibilityRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/:id/evaluate', async (c) => {
    const user = requireUser(c);
    const id = routeId(c.req.param('id'), 'The goal');
    const { goal, feasibility } = await deps.db.transaction((tx) => evaluateGoal(tx, user.id, id, deps.now()));
    return c.json({ goal: publicGoal(goal), feasibility });
  });
  return app;
}
