import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrack, gpxFile, stravaExport, tcxFile } from '#shared/imports/testing.ts';
import { openTestPostgres } from '../test/databases.ts';
import { buildTestApp, call, signUp, type TestApp } from '../test/harness.ts';
import { postgresUrl } from '../test/requirements.ts';

// Imports on real Postgres: the batched upsert, and two imports of one runner at once (the same
// runs in different formats) storing each run once.

const url = postgresUrl('postgres imports');

async function send(t: TestApp, cookie: string, body: Uint8Array | string, type: string) {
  const response = await t.app.request('/api/activities/import', {
    method: 'POST',
    headers: { cookie, 'content-type': type },
    body: typeof body === 'string' ? body : new Blob([body as Uint8Array<ArrayBuffer>]),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { imported: number; duplicates: number };
}

describe.skipIf(!url)('imports on Postgres', () => {
  let handle: Awaited<ReturnType<typeof openTestPostgres>>;
  let t: TestApp;
  beforeAll(async () => {
    handle = await openTestPostgres(url!);
    t = buildTestApp(handle);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('a Strava export twice: the second time nothing is imported', async () => {
    const { cookie } = await signUp(t);
    const generated = await stravaExport(60, { seed: 8, pointStep: 10 });
    expect(await send(t, cookie, generated.zip, 'application/zip')).toMatchObject({ imported: generated.runs, duplicates: 0 });
    expect(await send(t, cookie, generated.zip, 'application/zip')).toMatchObject({ imported: 0, duplicates: generated.runs });
  }, 180_000);

  it('the same runs as GPX and as TCX at the same moment are stored once', async () => {
    const { cookie } = await signUp(t);
    const tracks = Array.from({ length: 5 }, (_, i) => generateTrack(60 + i, new Date(Date.UTC(2026, 1, 10 + i, 7)), 1800, 2));
    const results = await Promise.all([
      ...tracks.map((points) => send(t, cookie, gpxFile(points), 'application/gpx+xml')),
      ...tracks.map((points) => send(t, cookie, tcxFile(points), 'application/vnd.garmin.tcx+xml')),
    ]);
    expect(results.reduce((n, r) => n + r.imported, 0)).toBe(5);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(5);
    expect((await call(t.app, 'GET', '/api/activities?from=2026-02-01&to=2026-02-28', { cookie })).json.activities).toHaveLength(5);
  }, 120_000);
});
