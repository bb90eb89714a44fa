import { baseUrl } from '../lib/postgres.ts';
import { sleep } from '../lib/util.ts';
import { World } from '../lib/world.ts';
import { auditRunners, loggedErrors, ScenarioResult, statusLine, syncLoops } from './common.ts';

// kill -9 of the server while runners push without pause. Pushes in flight at the kill get no
// answer (some of them committed, some not); the clients resend the same mutation ids to the
// restarted server, which must apply each exactly once.

/** PGlite serves one statement at a time: fewer runners keep its burst (and restart) short. */
const RUNNERS = { postgres: 16, pglite: 8 };

export async function killDuringSync(database: 'postgres' | 'pglite'): Promise<ScenarioResult> {
  const result = new ScenarioResult(`kill -9 during a sync burst (${database})`);
  const world = await World.create({
    name: `kill-sync-${database}`,
    ...(database === 'postgres' ? { postgresBase: baseUrl() } : {}),
    requestTimeoutMs: 10_000,
  });
  try {
    await world.server.start();
    const runners = await world.addRunners(RUNNERS[database]);
    world.metrics.phase('burst');
    const loops = syncLoops(runners, [0, 50]);
    await sleep(3_000);
    const before = runners.reduce((sum, r) => sum + r.mutationsMade, 0);
    await world.server.kill9();
    const killedAt = performance.now();
    await sleep(500);
    await world.server.start();
    const back = performance.now();
    result.note(`killed after ${before} mutations; back in ${((back - killedAt) / 1000).toFixed(1)} s`);
    await sleep(3_000);
    await loops.stop();
    world.metrics.end();
    const push = world.metrics.figures('burst')['sync.push'];
    result.note(statusLine(world, 'burst', 'sync.push'));
    // The kill must have hit pushes in flight, or the scenario proved nothing.
    result.check('the kill interrupted pushes in flight', (push?.networkErrors ?? 0) > 0, `${push?.networkErrors ?? 0} pushes got no answer`);
    result.check('no 5xx from the restarted server', (push?.s5xx ?? 0) === 0, `${push?.s5xx ?? 0} 5xx`);
    const replayed = runners.reduce((sum, r) => sum + r.replayed, 0);
    result.note(`mutations committed before the kill but answered only on the resend: at least ${replayed}`);
    world.metrics.phase('audit');
    await auditRunners(result, world, runners);
    const errors = loggedErrors(world);
    result.check('no unexpected server errors logged', errors.length === 0, errors.slice(0, 2).join(' | '));
  } finally {
    await world.close();
  }
  return result;
}
