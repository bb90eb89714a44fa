import { baseUrl } from '../lib/postgres.ts';
import { auditEvents, waitForEvents, WebhookSender } from '../lib/strava.ts';
import { sleep, waitFor } from '../lib/util.ts';
import { World } from '../lib/world.ts';
import { FAULT_JOBS, loggedErrors, ScenarioResult, statusLine } from './common.ts';

// kill -9 of the server while Strava pushes a burst of webhook events: activity creates for
// most runners, deauthorizations (which purge and notify by e-mail) for a few. Strava retries
// what got no 200; the restarted server must process every event once and send each
// notification once.

const RUNNERS = 12;
const DEAUTHORIZING = 4;
const EVENTS_PER_SECOND = 25;

export async function killDuringWebhooks(): Promise<ScenarioResult> {
  const result = new ScenarioResult('kill -9 during a webhook burst (postgres)');
  const world = await World.create({ name: 'kill-webhooks', postgresBase: baseUrl(), smtp: true, jobs: FAULT_JOBS, requestTimeoutMs: 10_000 });
  try {
    await world.server.start();
    const runners = await world.addRunners(RUNNERS);
    await world.connectStrava(runners);
    const leaving = runners.slice(0, DEAUTHORIZING);
    const staying = runners.slice(DEAUTHORIZING);
    // Strava: a 200 within 2 s, else retried; 3 attempts in all (5 s apart here, so the retries span the restart).
    const sender = new WebhookSender(world.http, world.strava, { timeoutMs: 2_000, maxAttempts: 3, retryDelayMs: 5_000, duplicateRate: 0.1 });
    world.metrics.phase('burst');
    let stopping = false;
    const burst = (async () => {
      for (let i = 0; !stopping; i++) {
        sender.create(staying[i % staying.length]!);
        await sleep(1000 / EVENTS_PER_SECOND);
      }
    })();
    // Two deauthorizations before the kill, two around it.
    sender.deauthorize(leaving[0]!);
    await sleep(1_000);
    sender.deauthorize(leaving[1]!);
    await sleep(1_500);
    sender.deauthorize(leaving[2]!);
    await world.server.kill9();
    const killedAt = performance.now();
    sender.deauthorize(leaving[3]!);
    await sleep(500);
    await world.server.start();
    result.note(`back ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
    await sleep(2_500);
    stopping = true;
    await burst;
    await sender.drain();
    world.metrics.end();
    result.note(statusLine(world, 'burst', 'strava.webhook'));
    const hooks = world.metrics.figures('burst')['strava.webhook'];
    result.check(
      'the kill interrupted webhook deliveries',
      (hooks?.networkErrors ?? 0) + (hooks?.timeouts ?? 0) > 0,
      `${hooks?.networkErrors ?? 0} refused/reset, ${hooks?.timeouts ?? 0} timed out`,
    );

    const left = await waitForEvents((sql) => world.query(sql), 60_000);
    result.check('every stored event processed', left === 0, `${left} left unprocessed`);
    if (left > 0) {
      // Why: the state of those events' jobs in pg-boss (an `active` job of the killed process blocks its re-queue until it expires).
      const jobs = await world.query(
        `select j.state, j.retry_count, j.expire_seconds, j.heartbeat_seconds, count(*)::int as n from pgboss.job j join strava_events e on j.data->>'eventId' = e.id::text
         where e.status = 'received' group by 1, 2, 3, 4`,
      );
      result.note(`jobs of the unprocessed events: ${JSON.stringify(jobs.rows)}`);
    }
    // Notifications are sent by the minute's dispatcher (or at start): wait for it, at most a minute and a bit.
    const sent = async () =>
      (await world.query(`select count(*)::int as n from notifications where notification_type = 'strava_disconnected' and status = 'sent'`)).rows[0].n >=
      DEAUTHORIZING;
    await waitFor(sent, 80_000, 'the deauthorization e-mails').catch((error: Error) => result.note(error.message));
    await sleep(1_000); // a doubled send would arrive now
    const audit = await auditEvents((sql, params) => world.query(sql, params), sender, world.strava, { mails: world.smtp!.messages, requireAcked: true });
    const f = audit.figures;
    result.check(
      'audit: every event processed exactly once, every notification sent once',
      audit.ok,
      `${f.events} events (${f.unacked} never got a 200), ${f.processed} processed, ${f.activities} activities, ${f.fetches} Strava fetches, ${f.notificationsSent} notifications sent, ${f.mails} e-mails${audit.problems.length ? `; ${audit.problems.join('; ')}` : ''}`,
    );
    const errors = loggedErrors(world);
    result.check('no unexpected server errors logged', errors.length === 0, errors.slice(0, 2).join(' | '));
  } finally {
    await world.close();
  }
  return result;
}
