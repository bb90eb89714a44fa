// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncUser } from '#server/db/schema.ts';
import { rotateEpoch } from '#server/sync/versions.ts';
import { mutate } from '#client/lib/data/mutations.ts';
import { expectSettled, expectViewIsRebase, quiesce } from './checks.ts';
import { Random, randomFate, randomMutation } from './random-ops.ts';
import { World, type Device, type Runner } from './world.ts';
import type { DatabaseHandle } from '#server/db/database.ts';
import { openTestPglite, openTestPostgres } from '#server/test/databases.ts';
import { postgresUrl } from '#server/test/requirements.ts';

// docs/SYNC.md §T14: a randomized run. Per seed: 3–6 devices of one runner make random goal
// and profile changes, sync over a network that loses requests before or after the server
// handled them, doubles them and delivers them late; the server and the apps restart now and
// then. After quiescence, G1–G3 must hold on every device.
// SYNC_SEEDS sets the number of seeds (default 200 with CI=true, 25 otherwise);
// SYNC_SEED_BASE the first one, so `SYNC_SEED_BASE=137 SYNC_SEEDS=1` replays seed 137.

// docs/SYNC.md marks this test PG: it runs on PGlite and, when the suite has a server, on real
// Postgres too (SYNC_PG_SEEDS seeds, default 50 with CI=true, 10 otherwise).
const inCi = process.env.CI === 'true';
const SEEDS = Number(process.env.SYNC_SEEDS ?? (inCi ? 200 : 25));
const PG_SEEDS = Number(process.env.SYNC_PG_SEEDS ?? (inCi ? 50 : 10));
const BASE = Number(process.env.SYNC_SEED_BASE ?? 1);
const seedRange = (n: number) => Array.from({ length: n }, (_, i) => BASE + i);
const pgUrl = postgresUrl('postgres randomized sync');
const backends: [string, () => Promise<DatabaseHandle>, number[]][] = [
  ['PGlite', openTestPglite, seedRange(SEEDS)],
  ...(pgUrl ? [['Postgres', () => openTestPostgres(pgUrl), seedRange(PG_SEEDS)] as [string, () => Promise<DatabaseHandle>, number[]]] : []),
];

/** What the run exercised, summed over seeds (printed, so a quiet generator is noticed). */
const stats: Record<string, number> = {};
const count = (key: string, n = 1) => (stats[key] = (stats[key] ?? 0) + n);

async function addDevice(runner: Runner, random: Random, seed: number): Promise<Device> {
  const skewMs = random.chance(0.1) ? 3 * 86_400_000 : random.chance(0.3) ? random.int(-120_000, 120_000) : 0;
  const device = await runner.device({ skewMs, ...(random.chance(0.3) ? { pullLimit: random.int(1, 4) } : {}) });
  // A deterministic client id, so a seed replays with the same HLC tie-breaks.
  await device.db.meta.update('device', { clientId: `c_seed${seed}_device${runner.devices.length}` });
  return device;
}

async function runSeed(world: World, seed: number): Promise<void> {
  const random = new Random(seed);
  const runner = await world.runner();
  const devices: Device[] = [];
  for (let i = random.int(3, 6); i > 0; i--) devices.push(await addDevice(runner, random, seed));
  const known: string[] = [];
  const trouble = random.pick([0, 0.1, 0.3, 0.5]);
  const steps = random.int(20, 40);
  for (let step = 0; step < steps; step++) {
    world.advance(random.int(0, 3000));
    const device = random.pick(devices);
    const action = random.weighted({ mutate: 10, sync: 7, offline: 1, ghosts: 2, restartServer: 0.4, restartApp: 0.6, rotateEpoch: 0.15, purge: 0.15 });
    count(action);
    if (action === 'mutate') {
      const local = (await device.view('goals')).filter((goal) => !goal.deleted).map((goal) => String(goal.id));
      const change = randomMutation(random, known, local);
      await mutate(device.db, change.name, change.args as never);
    } else if (action === 'sync') {
      const fate = randomFate(random, trouble);
      device.net.fate = () => {
        const chosen = fate();
        count(chosen);
        return chosen;
      };
      await device.sync();
    } else if (action === 'offline') {
      device.net.offline = !device.net.offline;
    } else if (action === 'ghosts') {
      // Late deliveries, interleaved across devices: their answers go nowhere.
      const ghosts = random.shuffle(devices.flatMap((d) => d.net.ghosts.splice(0)));
      for (const ghost of ghosts) await ghost();
    } else if (action === 'restartServer') {
      world.restart();
    } else if (action === 'rotateEpoch') {
      await rotateEpoch(world.handle.db); // a restore: every device resets
    } else if (action === 'purge') {
      // Tombstones purged: cursors from before now are too old.
      await world.handle.db
        .update(syncUser)
        .set({ horizon: sql`${syncUser.version}` })
        .where(eq(syncUser.user_id, runner.userId));
    } else {
      device.close();
      await device.open();
    }
    await expectViewIsRebase(device);
  }
  for (const ghost of random.shuffle(devices.flatMap((d) => d.net.ghosts.splice(0)))) await ghost();
  for (const device of devices) {
    device.net.offline = false;
    device.net.fate = () => 'ok';
  }
  await quiesce(runner);
  const digest = await runner.serverDigest();
  for (const device of devices) await expectSettled(world, device, digest);
  // G2 beyond stored answers: each applied create made exactly one goal.
  const applied = new Set<string>();
  for (const device of devices) {
    for (const entry of await device.db.acked.toArray()) {
      if (entry.name === 'goal.create' && entry.result.status === 'applied') applied.add((entry.args as { id: string }).id);
    }
  }
  expect((digest as { goals: { count: number } }).goals.count).toBe(applied.size);
  for (const device of devices) {
    for (const entry of await device.db.acked.toArray()) count(entry.result.status === 'rejected' ? `rejected:${entry.result.error.code}` : 'applied');
    count('requests', device.net.sent.length);
  }
  for (const device of devices) device.close();
}

describe.each(backends)('14: randomized devices, network and restarts on %s', (name, openDatabase, seeds) => {
  // One database for all seeds (a fresh PGlite costs seconds); each seed is a fresh runner.
  let world: World;
  let started = 0;
  beforeAll(async () => {
    world = await World.open(openDatabase);
    started = performance.now();
  });
  afterAll(async () => {
    console.log(
      `sync randomized run on ${name}: ${seeds.length} seeds (${BASE}..${BASE + seeds.length - 1}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(
      `  exercised: ${Object.entries(stats)
        .map(([key, n]) => `${key} ${n}`)
        .join(', ')}`,
    );
    await world.close();
  });
  it.for(seeds)('seed %i', async (seed) => {
    await runSeed(world, seed);
  });
});
