import { SmallDisk } from '../lib/small-disk.ts';
import { sleep, waitFor } from '../lib/util.ts';
import { World } from '../lib/world.ts';
import { auditRunners, loggedErrors, ScenarioResult, statusLine } from './common.ts';

// The disk under PGlite's directory fills up while runners sync. Writes must fail with a clear
// error (507 or 503), never half-applied and never a crash; once space is freed the server
// must recover (by itself, or after a restart) with nothing lost: the runners' retried
// mutations apply exactly once.

const RUNNERS = 4;
const DISK_MB = 256;

export async function diskFull(): Promise<ScenarioResult> {
  const result = new ScenarioResult('disk full under PGlite (DATA_DIR on a small filesystem)');
  let disk: SmallDisk;
  try {
    disk = SmallDisk.create(DISK_MB);
  } catch (error) {
    result.check('a small filesystem for DATA_DIR', false, (error as Error).message);
    return result;
  }
  const world = await World.create({ name: 'disk-full', dataDir: disk.dir, requestTimeoutMs: 15_000 });
  try {
    result.note(`DATA_DIR on a ${DISK_MB} MB ${disk.kind}`);
    await world.server.start();
    const runners = await world.addRunners(RUNNERS);
    for (const runner of runners) {
      runner.queueChanges(3);
      await runner.push();
    }
    disk.fill();
    result.note(`filled: ${disk.freeBytes()} bytes left`);

    world.metrics.phase('full');
    const statuses: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const runner of runners) {
        runner.queueChanges(3);
        statuses.push(String(await runner.push()));
      }
      await sleep(500);
    }
    const health = await world.http.call('health', 'GET', '/api/health', { timeoutMs: 5_000 });
    world.metrics.end();
    result.note(`pushes on a full disk: ${statuses.join(' ')}; health ${health.status}`);
    result.note(statusLine(world, 'full', 'sync.push'));
    const refused = statuses.filter((s) => s !== '200');
    result.check(
      'writes on a full disk refused with 507 or 503',
      refused.length > 0 && refused.every((s) => s === '507' || s === '503'),
      `statuses: ${[...new Set(statuses)].join(', ')}`,
    );
    const survived = world.server.running;
    result.check('the server process did not crash', survived);

    disk.free();
    result.note(`space freed: ${(disk.freeBytes() / 1024 / 1024).toFixed(0)} MB`);
    let recovered = false;
    if (survived) {
      // Without a restart: a push must go through again within a few seconds.
      recovered = await waitFor(async () => (await runners[0]!.push('recovery.push')) === 200, 15_000, 'a push after freeing space').then(
        () => true,
        () => false,
      );
      result.note(recovered ? 'recovered without a restart' : 'did not recover by itself within 15 s: restarting it');
    }
    if (!recovered) {
      await world.server.stop();
      await world.server.start();
      result.note('restarted the server');
    }
    world.metrics.phase('audit');
    await auditRunners(result, world, runners);
    const errors = loggedErrors(world);
    result.note(`server logged ${errors.length} errors${errors.length ? `, e.g. ${errors[0]!.slice(0, 300)}` : ''}`);
  } finally {
    await world.close();
    disk.destroy();
  }
  return result;
}
