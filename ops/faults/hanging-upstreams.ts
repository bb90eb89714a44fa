import { percentile } from '../../bench/lib.ts';
import { askCoach } from '../lib/chat.ts';
import { baseUrl } from '../lib/postgres.ts';
import { auditEvents, waitForEvents, WebhookSender } from '../lib/strava.ts';
import { sleep } from '../lib/util.ts';
import { World } from '../lib/world.ts';
import { auditRunners, FAULT_JOBS, healthProbe, latencyLine, loggedErrors, ScenarioResult, syncLoops } from './common.ts';

// Strava and Claude accept connections and never answer. The server must stay responsive
// (health and sync fast while they hang), give the chat a clear timeout error, let the Strava
// jobs fail and retry later; once the stand-ins answer again, the queued work completes
// exactly once and a retried chat gets its one reply.

const RUNNERS = 8;
const EVENTS = 12;
/** Bounds while the upstreams hang: health and sync must not wait on them. */
const HEALTH_P99_MS = 1_000;
const SYNC_P99_MS = 2_000;

export async function hangingUpstreams(): Promise<ScenarioResult> {
  const result = new ScenarioResult('hanging Strava and Claude (postgres)');
  const world = await World.create({ name: 'hang', postgresBase: baseUrl(), jobs: FAULT_JOBS, requestTimeoutMs: 10_000 });
  try {
    await world.server.start();
    const runners = await world.addRunners(RUNNERS);
    await world.connectStrava(runners);

    world.strava.fault('activity', 'hang', Number.MAX_SAFE_INTEGER);
    world.claude.hanging = true;
    world.metrics.phase('hanging');
    const loops = syncLoops(runners, [300, 800]);
    const health = healthProbe(world.http, 250);
    const sender = new WebhookSender(world.http, world.strava, { timeoutMs: 2_000, maxAttempts: 3, retryDelayMs: 2_000, duplicateRate: 0 });
    for (let i = 0; i < EVENTS; i++) sender.create(runners[i % runners.length]!);
    // The chat's deadline is the Claude client's: 30 s per attempt, one retry.
    const chat = await askCoach(world.http, runners[0]!, { timeoutMs: 120_000 });
    const fetchesWhileHanging = world.strava.state.requests.filter((r) => r.route === 'activity').length;
    const stillQueued = (await world.query(`select count(*)::int as n from strava_events where status = 'received'`)).rows[0].n as number;
    await loops.stop();
    await health.stop();
    await sender.drain();
    world.metrics.end();

    result.note(`chat while Claude hangs: ${chat.status} ${chat.ending} after ${(chat.ms / 1000).toFixed(1)} s`);
    result.check(
      'the chat got a clear timeout error (503 coach_unavailable), not a hang',
      chat.status === 503 && chat.ending === 'coach_unavailable',
      `${chat.status} ${chat.ending}`,
    );
    const healthMs = world.metrics.latencies('hanging', 'health');
    const syncMs = [...world.metrics.latencies('hanging', 'sync.push'), ...world.metrics.latencies('hanging', 'sync.pull')];
    result.note(latencyLine(world, 'hanging', 'health'));
    result.note(latencyLine(world, 'hanging', 'sync.push'));
    const figures = world.metrics.figures('hanging');
    const failures = Object.values(figures).reduce((sum, f) => sum + f.s5xx + f.networkErrors + f.timeouts, 0);
    result.check(
      `health p99 under ${HEALTH_P99_MS} ms while the upstreams hang`,
      healthMs.length > 0 && percentile(healthMs, 99) < HEALTH_P99_MS,
      `p99 ${percentile(healthMs, 99).toFixed(0)} ms`,
    );
    result.check(
      `sync p99 under ${SYNC_P99_MS} ms while the upstreams hang`,
      syncMs.length > 0 && percentile(syncMs, 99) < SYNC_P99_MS,
      `p99 ${percentile(syncMs, 99).toFixed(0)} ms`,
    );
    result.check('no 5xx or unanswered request apart from the chat', failures - (chat.status === 503 ? 1 : 0) === 0, `${failures} failures`);
    result.check(
      'webhooks answered at once although Strava hangs',
      sender.events.every((e) => e.acked && e.attempts === 1),
      `${sender.events.filter((e) => e.attempts > 1).length} needed a retry`,
    );
    result.check(
      'Strava jobs tried, timed out and stayed queued for a retry',
      fetchesWhileHanging > 0 && stillQueued > 0,
      `${fetchesWhileHanging} hung fetches, ${stillQueued} events still queued`,
    );

    // The upstreams answer again.
    world.strava.state.faults.length = 0;
    world.claude.hanging = false;
    world.metrics.phase('recovered');
    const retry = await askCoach(world.http, runners[0]!, { messageId: chat.messageId });
    result.check('the same chat message, sent again, gets its reply', retry.status === 200 && retry.ending === 'done', `${retry.status} ${retry.ending}`);
    const left = await waitForEvents((sql) => world.query(sql), 90_000);
    result.check('every queued Strava event processed after the recovery', left === 0, `${left} left`);
    await sleep(500);
    const audit = await auditEvents((sql, params) => world.query(sql, params), sender, world.strava, { requireAcked: true });
    result.check(
      'audit: each event processed exactly once',
      audit.ok,
      `${audit.figures.processed}/${EVENTS} processed, ${audit.figures.activities} activities, ${audit.figures.fetches} fetches${audit.problems.length ? `; ${audit.problems.join('; ')}` : ''}`,
    );
    await auditRunners(result, world, runners);
    const errors = loggedErrors(world);
    result.note(`server logged ${errors.length} errors${errors.length ? `, e.g. ${errors[0]!.slice(0, 200)}` : ''}`);
  } finally {
    await world.close();
  }
  return result;
}
