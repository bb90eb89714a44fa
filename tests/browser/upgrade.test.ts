import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../../server/test/requirements.ts';
import { localTick } from '../../client/lib/data/clock.ts';
import type { DeviceMeta, ServerRecord, ViewRow } from '../../client/lib/data/db.ts';
import {
  deleteRawDatabase,
  readRawDatabase,
  toVersion2Clocks,
  toVersion2Row,
  VERSION_2_STORES,
  writeVersion2Database,
} from '../../client/lib/data/test-kit-v2.ts';
import { nodeIdFor } from '../../shared/sync/hlc.ts';
import { SCHEMA_VERSION, SYNCED_ENTITIES } from '../../shared/sync/protocol.ts';
import { openSignedIn, SCREENSHOT_DIR, seedRunnerWithPlan, useAppInChromium, waitForServiceWorker } from './support.ts';

// Issue 16, "done when": a device holding unsynced changes under the old schema upgrades and
// syncs them after the change. In Chromium: the phone's database is put back the way the build
// before the seed's names left it (Dexie 2, old column names) with a workout edit it queued
// offline as workout.update@1; the updated app opens it offline, shows the edit, and once online
// the server has it under the seed's names.

const executable = await chromiumPath('browser upgrade from the old schema');

describe.skipIf(!executable)("a phone updated from the build before the seed's names", () => {
  const app = useAppInChromium(executable!);

  it('keeps an edit queued offline under the old names, shows it, and syncs it once online', async () => {
    const { cookie, call, workouts } = await seedRunnerWithPlan(app.server, 'Uma');
    const today = new Date().toISOString().slice(0, 10);
    const workout = workouts.find((w) => w.scheduled_date > today && (w.workout_type === 'easy' || w.workout_type === 'long'))!;
    const { user } = await call<{ user: { id: string } }>('GET', '/auth/me');
    const name = `runcoach-${user.id}`;

    // The phone syncs the plan (this build makes the database), with the service worker in control.
    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, `/workouts/${workout.id}`);
    await page.getByRole('heading', { name: workout.title, level: 1 }).waitFor();
    await waitForServiceWorker(page);

    // Leave the app (an API page of the same origin: the service worker never answers those), and
    // put the database back the way the old build stored the same data.
    await page.goto(`${app.server.publicUrl}/api/auth/me`);
    const held = await page.evaluate(readRawDatabase, name);
    await page.evaluate(deleteRawDatabase, name);
    const contents: Record<string, unknown[]> = { outbox: [], acked: held.acked ?? [], rejected: [] };
    for (const entity of SYNCED_ENTITIES) {
      contents[`server_${entity}`] = ((held[`server_${entity}`] ?? []) as ServerRecord[]).map((r) => ({
        key: r.key,
        row: toVersion2Row(entity, r.row),
        hlc: toVersion2Clocks(entity, r.hlc),
      }));
      contents[entity] = ((held[entity] ?? []) as ViewRow[]).map(({ _hlc, ...row }) => ({
        ...toVersion2Row(entity, row),
        _hlc: toVersion2Clocks(entity, _hlc),
      }));
    }
    // Offline, the old build changed the workout's type and title: queued as workout.update@1
    // (with `set.type`) and shown on its screens, never sent.
    const meta = held.meta![0] as DeviceMeta;
    const hlc = localTick(meta.hlc, Date.now() + meta.serverOffset, nodeIdFor(meta.clientId));
    const title = 'Tempo, changed on the train';
    contents.outbox = [
      { id: meta.nextMutationId, name: 'workout.update', v: 1, hlc, args: { id: workout.id, set: { type: 'tempo', title } }, createdAt: Date.now() },
    ];
    const row = (contents.workouts as ViewRow[]).find((w) => w.id === workout.id)!;
    expect(row).toMatchObject({ type: workout.workout_type, status: 'planned' }); // the old shape
    Object.assign(row, { type: 'tempo', title, edited_by_user: true, _pending: true, _hlc: { ...row._hlc, type: hlc, title: hlc } });
    contents.meta = [{ ...meta, schemaVersion: 2, nextMutationId: meta.nextMutationId + 1, hlc }];
    await page.evaluate(writeVersion2Database, { name, stores: VERSION_2_STORES, contents });

    // The updated app opens, still offline: the database is upgraded and the edit is there.
    await context.setOffline(true);
    await page.goto(`${app.server.publicUrl}/workouts/${workout.id}`);
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    await expect.poll(() => page.locator('article header').innerText()).toMatch(/tempo[\s\S]*saved on this phone/i);
    expect(await page.evaluate(async () => (await indexedDB.databases()).map((d) => [d.name, d.version]))).toContainEqual([name, 50]); // Dexie 5 (the profile's heart-rate names, issue 17) × 10
    await page.screenshot({ path: `${SCREENSHOT_DIR}/upgraded-offline.png`, fullPage: true });

    // Online again: the change reaches the server under the seed's names, and the phone settles.
    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect
      .poll(async () => (await call<{ workout: Record<string, unknown> }>('GET', `/workouts/${workout.id}`)).workout, { timeout: 30_000, interval: 500 })
      .toMatchObject({ workout_type: 'tempo', title, edited_by_user: true });
    await page.getByText('saved on this phone').first().waitFor({ state: 'detached', timeout: 30_000 });
    const after = await page.evaluate(readRawDatabase, name);
    expect(after.outbox).toEqual([]);
    expect(after.acked).toContainEqual(
      expect.objectContaining({
        id: meta.nextMutationId,
        name: 'workout.update',
        v: 2,
        args: { id: workout.id, set: { workout_type: 'tempo', title } },
        result: expect.objectContaining({ status: 'applied' }),
      }),
    );
    expect(after.meta).toEqual([expect.objectContaining({ clientId: meta.clientId, schemaVersion: SCHEMA_VERSION })]);
    await context.close();
  });
});
