import { describe, expect, it } from 'vitest';
import { fitActivity, generateTrack, gpxFile, stravaExport, tcxFile } from '#shared/imports/testing.ts';
import { buildCoachContext } from '../coach/context.ts';
import { aiSources } from '../coach/policy.ts';
import { runnerWithPlan, seedRun } from '../coach/testing.ts';
import { call, signUp, useTestApp, type TestApp } from '../test/harness.ts';
import { TestDevice } from '../test/sync-device.ts';
import { decodeRunFile } from '#shared/imports/decode.ts';

// POST /api/activities/import through the whole app (issue 27 §4-5): one file or a Strava
// archive, scoped to the runner, idempotent, deduplicated across sources and formats, and the
// imported runs are the coach's history like uploads (never Strava API runs).

const t = useTestApp();

async function send(app: TestApp['app'], cookie: string | undefined, body: Uint8Array | string, type: string, name?: string) {
  const headers: Record<string, string> = { 'content-type': type };
  if (cookie) headers.cookie = cookie;
  if (name) headers['x-file-name'] = name;
  const response = await app.request('/api/activities/import', {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : new Blob([body as Uint8Array<ArrayBuffer>]),
  });
  return { status: response.status, json: await response.json() };
}

describe('POST /api/activities/import', () => {
  it('a 500-activity Strava export: runs imported, rides refused in words; the same archive again imports nothing', async () => {
    const { cookie } = await signUp(t);
    const generated = await stravaExport(500, { seed: 5, first: new Date('2024-06-01T06:30:00Z'), pointStep: 10 });
    const first = await send(t.app, cookie, generated.zip, 'application/zip', 'export.zip');
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ imported: generated.runs, duplicates: 0, notes: [] });
    expect(first.json.refused).toHaveLength(generated.others);
    expect(new Set(first.json.refused.map((r: { reason: string }) => r.reason))).toEqual(new Set(['this is a ride, not a run; RunCoach keeps runs only']));

    const again = await send(t.app, cookie, generated.zip, 'application/zip', 'export.zip');
    expect(again.json).toMatchObject({ imported: 0, duplicates: generated.runs });

    const listed = await call(t.app, 'GET', '/api/activities?from=2024-06-01&to=2025-12-31', { cookie });
    expect(listed.json.activities).toHaveLength(generated.runs);
    expect(new Set(listed.json.activities.map((a: { source: string }) => a.source))).toEqual(new Set(['strava_export']));
    expect(listed.json.activities.find((a: { name: string }) => a.name === 'Tempo, "hard" 7')).toBeDefined();
  }, 300_000);

  it('one file at a time, FIT, GPX or TCX; the same run in another format is a duplicate', async () => {
    const { cookie } = await signUp(t);
    const points = generateTrack(21, new Date('2026-02-20T07:00:00Z'), 40 * 60, 2);
    const gpx = gpxFile(points, { name: 'Canal loop' });
    expect((await send(t.app, cookie, gpx, 'application/gpx+xml', 'canal.gpx')).json).toEqual({ imported: 1, duplicates: 0, refused: [], notes: [] });
    expect((await send(t.app, cookie, gpx, 'application/gpx+xml')).json).toMatchObject({ imported: 0, duplicates: 1 });
    expect((await send(t.app, cookie, tcxFile(points), 'application/vnd.garmin.tcx+xml')).json).toMatchObject({ imported: 0, duplicates: 1 });
    expect((await send(t.app, cookie, fitActivity([{ sport: 'running', points }]), 'application/octet-stream')).json).toMatchObject({
      imported: 0,
      duplicates: 1,
    });
    const listed = await call(t.app, 'GET', '/api/activities?from=2026-02-01&to=2026-02-28', { cookie });
    expect(listed.json.activities).toMatchObject([{ source: 'file_import', name: 'Canal loop', local_date: '2026-02-20' }]);

    // Another runner's import of the same file is theirs alone, and not a duplicate of this one.
    const other = await signUp(t);
    expect((await send(t.app, other.cookie, gpx, 'application/gpx+xml')).json).toMatchObject({ imported: 1, duplicates: 0 });
    expect((await call(t.app, 'GET', '/api/activities?from=2026-02-01&to=2026-02-28', { cookie })).json.activities).toHaveLength(1);
  }, 120_000);

  it('refuses in words: not signed in, not a file type, not a run, an empty body, a damaged archive', async () => {
    const { cookie } = await signUp(t);
    expect((await send(t.app, undefined, 'x', 'application/gpx+xml')).status).toBe(401);
    const json = await send(t.app, cookie, '{"a":1}', 'application/json');
    expect(json.status).toBe(415);
    expect(json.json.error.message).toMatch(/Send a FIT, GPX or TCX file, or a ZIP/);
    const notRun = await send(t.app, cookie, 'hello', 'application/octet-stream', 'notes.fit');
    expect(notRun).toEqual({
      status: 422,
      json: { error: expect.objectContaining({ code: 'import_unreadable', message: 'notes.fit: this is not a FIT file, though its name ends in .fit.' }) },
    });
    expect((await send(t.app, cookie, new Uint8Array(), 'application/zip')).status).toBe(400);
    const damaged = await send(t.app, cookie, Uint8Array.from([0x50, 0x4b, 3, 4, 1, 2, 3]), 'application/zip', 'export.zip');
    expect(damaged.status).toBe(422);
    expect(damaged.json.error.message).toBe('export.zip: this is not a ZIP archive, or it is damaged (its list of files is missing).');
  });

  it('answers 413 past the import limit, from the declared length, before reading the body', async () => {
    const { cookie } = await signUp(t);
    const response = await t.app.request('/api/activities/import', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/zip', 'content-length': String(300 * 1024 * 1024) },
      body: 'PK',
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error.message).toMatch(/An import is limited to 256 MB/);
  });
});

describe('imported runs are the coach’s history', () => {
  it('match planned workouts and reach the coach’s context, while Strava API runs stay out', async () => {
    const runner = await runnerWithPlan(t);
    const planned = runner.workouts.find((w) => w.workout_type !== 'rest' && w.scheduled_date > '2026-03-02')!;
    // Run the planned day at 07:00 London (UTC in March), as far as planned.
    const meters = planned.estimated_distance_meters ?? 6000;
    const points = generateTrack(31, new Date(`${planned.scheduled_date}T07:00:00Z`), Math.round(meters / 3), 2);
    const yesterday = generateTrack(32, new Date('2026-03-01T08:00:00Z'), 1800, 2);
    expect((await send(t.app, runner.cookie, gpxFile(points, { name: 'Planned one' }), 'application/gpx+xml')).json.imported).toBe(1);
    expect((await send(t.app, runner.cookie, gpxFile(yesterday, { name: 'Sunday by the river' }), 'application/gpx+xml')).json.imported).toBe(1);
    await seedRun(t, runner.user.id, { local_date: '2026-02-28', distance_meters: 12_345, source: 'strava' }, 'From the Strava API');

    const listed = await call(t.app, 'GET', `/api/activities?from=${planned.scheduled_date}&to=${planned.scheduled_date}`, { cookie: runner.cookie });
    expect(listed.json.activities[0]).toMatchObject({ name: 'Planned one', matched_workout_id: planned.id });

    expect(aiSources(false)).toEqual(expect.arrayContaining(['fit_upload', 'strava_export', 'file_import']));
    expect(aiSources(false)).not.toContain('strava');
    const context = await buildCoachContext(t.deps.db, runner.user.id, { now: t.clock.now(), dataInAi: false });
    expect(context.system).toContain('Sunday by the river');
    expect(context.system).not.toContain('From the Strava API');
    // With the operator's written permission (STRAVA_DATA_IN_AI) the same run does show: the check above can fail.
    expect((await buildCoachContext(t.deps.db, runner.user.id, { now: t.clock.now(), dataInAi: true })).system).toContain('From the Strava API');
  }, 120_000);
});

describe('a phone may upload runs it imported itself (activity.upload@2)', () => {
  it('takes file_import and strava_export runs, never a run that claims to come from Strava', async () => {
    const runner = await signUp(t);
    const phone = new TestDevice(t.app, runner.cookie, () => t.clock.now().getTime());
    const decoded = await decodeRunFile('run.gpx', new TextEncoder().encode(gpxFile(generateTrack(51, new Date('2026-02-25T07:00:00Z'), 1500, 2))), {
      source: 'strava_export',
    });
    if (!decoded.ok) throw new Error(decoded.reason);
    const activity = decoded.runs[0]!.activity;
    const pushed = await phone.push([
      phone.mutation('activity.upload', { id: crypto.randomUUID(), activity }),
      phone.mutation('activity.upload', { id: crypto.randomUUID(), activity: { ...activity, source: 'file_import' } }),
      phone.mutation('activity.upload', { id: crypto.randomUUID(), activity: { ...activity, source: 'strava', external_id: '123' } }),
    ]);
    expect(pushed.json.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied', 'rejected']);
    expect(pushed.json.results[2]).toMatchObject({ error: { code: 'wrong_source' } });
  });
});
