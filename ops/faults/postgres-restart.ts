import { PrivatePostgres } from '../lib/postgres.ts';
import { sleep, waitFor } from '../lib/util.ts';
import { World } from '../lib/world.ts';
import { auditRunners, FAULT_JOBS, healthProbe, latencyLine, loggedErrors, ScenarioResult, statusLine, syncLoops } from './common.ts';

// Postgres restarted under the server while runners sync: first `pg_ctl restart -m fast`
// (connections terminated, open transactions rolled back), then `-m immediate` (a crash and
// recovery). On a private cluster: the machine's shared Postgres is never touched. The server
// must stay up, answer every request (an error while the database is away, never a hang),
// and recover by itself; no change may be lost or applied twice.

const RUNNERS = 16;
/** The longest any answer may take while the database is away: clients must not hang. */
const ANSWER_BOUND_MS = 10_000;

export async function postgresRestart(): Promise<ScenarioResult> {
  const result = new ScenarioResult('Postgres restarted under load (private cluster)');
  const cluster = await PrivatePostgres.create();
  const world = await World.create({ name: 'pg-restart', postgresBase: cluster.url, jobs: FAULT_JOBS, requestTimeoutMs: ANSWER_BOUND_MS });
  try {
    await world.server.start();
    const runners = await world.addRunners(RUNNERS);
    world.metrics.phase('restarts');
    // No pause between syncs: connections are busy (mid-transaction) when Postgres goes away.
    const loops = syncLoops(runners, [0, 50]);
    const health = healthProbe(world.http, 200, ANSWER_BOUND_MS);
    for (const mode of ['fast', 'immediate'] as const) {
      await sleep(2_500);
      const t0 = performance.now();
      cluster.restart(mode);
      result.note(`pg_ctl restart -m ${mode}: Postgres back in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const back = performance.now();
      await waitFor(() => health.answers.at(-1)?.status === 200, 30_000, 'health 200 after the restart').catch(() => undefined);
      result.note(`  health 200 again ${((performance.now() - back) / 1000).toFixed(1)} s after Postgres was back`);
    }
    await sleep(2_500);
    await loops.stop();
    await health.stop();
    world.metrics.end();

    const statuses = new Map<string, number>();
    for (const a of health.answers) statuses.set(String(a.status), (statuses.get(String(a.status)) ?? 0) + 1);
    result.note(`health answers: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`);
    result.note(statusLine(world, 'restarts', 'sync.push'));
    result.note(statusLine(world, 'restarts', 'sync.pull'));
    result.note(latencyLine(world, 'restarts', 'sync.push'));
    result.check('the server process stayed up', world.server.running && world.server.starts === 1);
    const figures = world.metrics.figures('restarts');
    const unanswered = Object.values(figures).reduce((sum, f) => sum + f.networkErrors + f.timeouts, 0);
    result.check(`every request answered within ${ANSWER_BOUND_MS / 1000} s (no hang, no dropped connection)`, unanswered === 0, `${unanswered} unanswered`);
    const interrupted = Object.values(figures).reduce((sum, f) => sum + f.s5xx, 0) + (statuses.get('503') ?? 0);
    result.check('the restarts hit requests in flight (else this proved nothing)', interrupted > 0, `${interrupted} answered with an error`);
    const fiveHundreds = Object.values(world.metrics.details('restarts')).reduce((sum, d) => sum + (d.statuses['500'] ?? 0), 0);
    result.check('errors while the database was away are 503 database_unavailable, not 500', fiveHundreds === 0, `${fiveHundreds} answered 500`);
    result.check(
      'recovered: health 200 and pushes accepted at the end',
      health.answers.at(-1)?.status === 200 && (await runners[0]!.push('final.push')) === 200,
    );
    const serverErrors = Object.values(figures).reduce((sum, f) => sum + f.s5xx, 0);
    const codes = [
      ...new Set(Object.values(world.metrics.details('restarts')).flatMap((d) => d.examples.map((e) => /"code":"(\w+)"/.exec(e)?.[1] ?? e.slice(0, 40)))),
    ];
    result.note(`5xx answers during the restarts: ${serverErrors} (${codes.join(', ') || 'none'}); each rolled back and was retried`);
    world.metrics.phase('audit');
    await auditRunners(result, world, runners);
    const errors = loggedErrors(world).filter((line) => !line.includes('job queue error'));
    result.note(`server logged ${errors.length} errors while Postgres restarted${errors.length ? `, e.g. ${errors[0]!.slice(0, 240)}` : ''}`);
  } finally {
    await world.close();
    cluster.destroy();
  }
  return result;
}
