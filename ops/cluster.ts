import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncLoops } from './faults/common.ts';
import { askCoach, type ChatOutcome } from './lib/chat.ts';
import type { RouteFigures } from './lib/metrics.ts';
import { baseUrl } from './lib/postgres.ts';
import { routeTable, totals } from './lib/report.ts';
import type { SimRunner } from './lib/runner.ts';
import { auditEvents, waitForEvents, WebhookSender } from './lib/strava.ts';
import { ms, sleep, waitFor } from './lib/util.ts';
import { closeAllWorlds, World } from './lib/world.ts';

// `npm run bench:cluster`: several server processes on one fresh Postgres database behind a real
// load balancer (HAProxy, round-robin, no stickiness; installed from Debian's packages when
// missing; config from ops/cluster/haproxy.cfg), all on loopback, driven as `bench:load` drives
// one: simulated runners syncing, Strava webhooks, coach chats, plus a few runners that sync
// without pause so the measured windows find capacity rather than the runners' think time.
//
// Phases: a warm-up and a measured window with 1 instance up (the others down: HAProxy's
// health checks route around them), then the others started and the same window with all of
// them (the throughput ratio), then one instance kill -9ed and restarted (it must rejoin). The
// clients send again what failed with a connection error or a 502/503 the balancer made itself,
// and count those apart: they are the killed instance's requests in flight.
//
// The audit: every device's digest equals the server's, every webhook event processed once,
// every chat answered once (one stored reply, one generation), every notification sent once
// (deauthorizations around the kill, e-mailed through the SMTP stand-in), every session still
// valid on every instance. Exits non-zero on a failed audit, on any 5xx an instance answered, and
// on connection errors or balancer 502/503 outside the kill.

const number = (name: string, fallback: number, min = 1) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}`);
  return value;
};
const INSTANCES = number('CLUSTER_INSTANCES', 3, 2);
const RUNNERS = number('CLUSTER_RUNNERS', 200);
/** Runners that sync without pause: they take whatever capacity the others leave. */
const BUSY = number('CLUSTER_BUSY_RUNNERS', 16, 0);
/** Each measured window: 1 instance, then all. */
const SECONDS = number('CLUSTER_SECONDS', 45);
const WARMUP_SECONDS = number('CLUSTER_WARMUP_SECONDS', 10);
/** After the killed instance is back in the balancer: how long the run goes on with it. */
const REJOINED_SECONDS = number('CLUSTER_REJOINED_SECONDS', 15);
/** Between the kill and the restart (a supervisor's restart delay). */
const RESTART_DELAY_SECONDS = number('CLUSTER_RESTART_DELAY_SECONDS', 3, 0);
const WEBHOOKS_PER_SECOND = number('CLUSTER_WEBHOOKS_PER_SECOND', 5);
const CHATS_PER_SECOND = number('CLUSTER_CHATS_PER_SECOND', 1);
/** Runners who revoke RunCoach on Strava around the kill: each must get one notification, one e-mail. */
const DEAUTHS = number('CLUSTER_DEAUTHS', 4, 0);
/** Chat messages sent twice at once (a retry racing the first attempt): round-robin puts the two on different instances. */
const DOUBLE_CHATS = number('CLUSTER_DOUBLE_CHATS', 10, 0);
/** The whole run gives up (and fails) after this long: every loop and wait ends by itself. */
const MAX_SECONDS = number('CLUSTER_MAX_SECONDS', 600);
const KILLED = 1; // app2

const log = (line: string) => process.stdout.write(`${line}\n`);
const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;
const names = Array.from({ length: INSTANCES }, (_, i) => `app${i + 1}`);
const startedAt = performance.now();
const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(0)} s`;

const watchdog = setTimeout(() => {
  console.error(`FAIL: the cluster run did not end within ${MAX_SECONDS} s; stopping it`);
  void closeAllWorlds().finally(() => process.exit(1));
}, MAX_SECONDS * 1000);
process.once('SIGINT', () => void closeAllWorlds().finally(() => process.exit(130)));

const world = await World.create({ name: 'cluster', postgresBase: baseUrl(), smtp: true, instances: INSTANCES, balancer: true });
let exitCode = 1;
try {
  exitCode = await run(world);
} catch (error) {
  console.error(error);
  for (const [i, server] of world.servers.entries()) console.error(`${names[i]} log tail:\n${server.tail(10)}`);
} finally {
  clearTimeout(watchdog);
  await world.close();
}
process.exit(exitCode);

async function run(world: World): Promise<number> {
  const balancer = world.balancer!;
  log(
    `cluster: ${INSTANCES} instances on one Postgres behind HAProxy (round-robin, no stickiness); ${RUNNERS} runners + ${BUSY} syncing without pause, ${WEBHOOKS_PER_SECOND} webhooks/s, ${CHATS_PER_SECOND} chats/s`,
  );
  log(
    `windows: ${WARMUP_SECONDS} s warm-up, ${SECONDS} s with 1 instance, ${SECONDS} s with ${INSTANCES}, then ${names[KILLED]} kill -9ed, restarted after ${RESTART_DELAY_SECONDS} s, ${REJOINED_SECONDS} s after it rejoins`,
  );
  log(`machine: ${cpus().length} cores shared by the load generator, HAProxy, Postgres and every instance: throughput figures are lower bounds`);
  log(`database: a fresh database on ${new URL(baseUrl()).host}; logs: ${world.logPath.replace(/\.log$/, '*.log')}`);
  await balancer.start(log);
  log(`balancer: HAProxy on ${balancer.url} (config ${balancer.configPath}, from ops/cluster/haproxy.cfg)`);
  await world.servers[0]!.start();
  await balancer.waitForState([names[0]!]);

  const setupStart = performance.now();
  const all = await world.addRunners(RUNNERS + BUSY);
  await world.connectStrava(all);
  const runners = all.slice(0, RUNNERS);
  const busy = all.slice(RUNNERS);
  const leaving = runners.slice(0, Math.min(DEAUTHS, runners.length));
  const staying = runners.slice(leaving.length);
  log(`setup: ${all.length} runners signed up, planned and linked to Strava through the balancer in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

  // As Strava: a 200 within 2 s or the push is retried, up to 3 attempts in all.
  const sender = new WebhookSender(world.http, world.strava, { timeoutMs: 2_000, maxAttempts: 3, retryDelayMs: 2_000 });
  const chats: Promise<ChatOutcome>[] = [];
  const doubles: { runner: SimRunner; messageId: string; outcomes: Promise<ChatOutcome[]> }[] = [];
  let stopping = false;
  const every = async (perSecond: number, action: () => void) => {
    while (!stopping) {
      action();
      await sleep(1000 / perSecond);
    }
  };
  const loops = [
    syncLoops(runners, [3000, 5000], [1, 5], { spreadMs: 4000 }),
    syncLoops(busy, [0, 0], [1, 5], { routes: { push: 'busy.push', pull: 'busy.pull' } }),
  ];
  const others = [
    every(WEBHOOKS_PER_SECOND, () => void sender.create(pick(staying))),
    every(CHATS_PER_SECOND, () => void chats.push(askCoach(world.http, pick(runners)))),
  ];

  // CPU in a window, in cores: the instances together (from /proc/<pid>/stat), the load generator (this
  // process, with the stand-ins), and the whole machine (/proc/stat; the rest is Postgres, HAProxy and anything else).
  const cpu = () => ({ servers: world.servers.map((s) => s.cpuSeconds() ?? 0), generator: process.cpuUsage(), machine: machineCpu() });
  const cpuUse = (before: ReturnType<typeof cpu>, seconds: number) => {
    const now = cpu();
    const generator = now.generator.user + now.generator.system - before.generator.user - before.generator.system;
    return {
      servers: now.servers.reduce((sum, c, i) => sum + Math.max(0, c - before.servers[i]!), 0) / seconds,
      generator: generator / 1e6 / seconds,
      machine: (now.machine.busy - before.machine.busy) / (now.machine.total - before.machine.total),
    };
  };

  world.metrics.phase('warm-up');
  await sleep(WARMUP_SECONDS * 1000);
  log(`  ${elapsed()}: measuring 1 instance`);
  world.metrics.phase('one');
  let before = cpu();
  await sleep(SECONDS * 1000);
  world.metrics.end();
  const cpuOne = cpuUse(before, SECONDS);

  world.metrics.phase('grow');
  log(`  ${elapsed()}: starting ${names.slice(1).join(', ')}`);
  await Promise.all(world.servers.slice(1).map((s) => s.start()));
  await balancer.waitForState(names);
  await sleep(8_000); // their first requests compile code: not measured
  log(`  ${elapsed()}: measuring ${INSTANCES} instances`);
  world.metrics.phase('all');
  before = cpu();
  for (let i = 0; i < Math.min(DOUBLE_CHATS, runners.length); i++) {
    const runner = runners[(i * 7) % runners.length]!;
    const messageId = crypto.randomUUID();
    const once = () => askCoach(world.http, runner, { messageId, route: 'coach.chat.twice' });
    doubles.push({ runner, messageId, outcomes: Promise.all([once(), once()]) });
  }
  await sleep(SECONDS * 1000);
  world.metrics.end();
  const cpuAll = cpuUse(before, SECONDS);

  // The kill: two deauthorizations before it, the others after (their notifications must each go out once).
  world.metrics.phase('kill');
  const half = Math.ceil(leaving.length / 2);
  for (const runner of leaving.slice(0, half)) sender.deauthorize(runner);
  await sleep(2_000);
  const killed = world.servers[KILLED]!;
  await killed.kill9();
  const killedAt = performance.now();
  log(`  ${elapsed()}: kill -9 ${names[KILLED]}`);
  for (const runner of leaving.slice(half)) sender.deauthorize(runner);
  await sleep(RESTART_DELAY_SECONDS * 1000);
  await killed.start();
  await balancer.waitForState(names);
  const backAfter = (performance.now() - killedAt) / 1000;
  log(`  ${elapsed()}: ${names[KILLED]} back in the balancer ${backAfter.toFixed(1)} s after the kill`);
  world.metrics.phase('rejoined');
  await sleep(REJOINED_SECONDS * 1000);
  world.metrics.end();

  log(`  ${elapsed()}: stopping the load`);
  world.metrics.phase('drain');
  stopping = true;
  await Promise.all([...loops.map((l) => l.stop()), ...others]);
  const chatOutcomes = await Promise.all(chats);
  const doubleOutcomes = await Promise.all(doubles.map(async (d) => ({ ...d, results: await d.outcomes })));
  await sender.drain();
  world.metrics.end();
  const balancerStates = await balancer.states().catch(() => []);

  // ---- The audit.
  log(`  ${elapsed()}: audit`);
  world.metrics.phase('audit');
  const up = world.servers.every((s) => s.running);
  const left = up ? await waitForEvents((sql) => world.query(sql), 120_000) : -1;
  const runnerProblems: string[] = [];
  let settled = 0;
  const deadline = Date.now() + 180_000;
  if (!up) runnerProblems.push('an instance is not running: nothing to audit against');
  else {
    for (const runner of all) {
      if (!(await runner.settle(Math.max(1_000, deadline - Date.now())))) runnerProblems.push(`${runner.email}: did not settle`);
      else settled++;
      runnerProblems.push(...(await runner.audit()).problems);
    }
  }
  // Notifications go out from a once-a-minute dispatcher: wait for them (at most a minute and a half).
  const notificationWait = leaving.length
    ? await waitFor(
        async () =>
          (await world.query(`select count(*)::int as n from notifications where notification_type = 'strava_disconnected' and status = 'sent'`)).rows[0].n >=
          leaving.length,
        90_000,
        'the deauthorization e-mails',
      ).then(
        () => '',
        (error: Error) => error.message,
      )
    : '';
  await sleep(2_000); // a second send would arrive now
  const events = await auditEvents((sql, params) => world.query(sql, params), sender, world.strava, { mails: world.smtp!.messages });
  if (left !== 0) events.problems.unshift(`${left} events still unprocessed after 120 s`);
  if (notificationWait) events.problems.push(notificationWait);
  const notificationRows = (await world.query(`select notification_type as kind, status, count(*)::int as n from notifications group by 1, 2 order by 1, 2`))
    .rows as { kind: string; status: string; n: number }[];
  const sentRows = notificationRows.filter((r) => r.status === 'sent').reduce((sum, r) => sum + r.n, 0);
  const mails = world.smtp!.messages.length;
  if (mails !== sentRows) events.problems.push(`${mails} e-mails received for ${sentRows} notifications sent`);

  // Chats: each answered once. Stored: the runner audit counts one reply per answered message. Generated:
  // the Claude stand-in saw the message as the newest user turn once, or once per attempt when the
  // client had to send it again (the killed instance's reply never finished).
  const generations = countGenerations(world.claude.requests as { body?: { messages?: { role: string; content: unknown }[] } }[]);
  const chatProblems: string[] = [];
  const chatsDone = chatOutcomes.filter((c) => c.ending === 'done').length;
  for (const chat of chatOutcomes) {
    if (chat.ending !== 'done') chatProblems.push(`chat ${chat.messageId}: ended ${chat.ending} (status ${chat.status})`);
    const n = generations.get(chat.messageId.slice(0, 8)) ?? 0;
    if (n < 1 || n > chat.attempts) chatProblems.push(`chat ${chat.messageId}: ${n} coach replies generated for ${chat.attempts} attempt(s)`);
  }
  const doubleProblems: string[] = [];
  let doubleAnsweredOnce = 0;
  for (const d of doubleOutcomes) {
    const n = generations.get(d.messageId.slice(0, 8)) ?? 0;
    const endings = d.results.map((r) => r.ending).join(' + ');
    const attempts = d.results.reduce((sum, r) => sum + r.attempts, 0);
    const stored = (await world.query(`select count(*)::int as n from chat_messages where role = 'assistant' and metadata->>'reply_to' = $1`, [d.messageId]))
      .rows[0].n as number;
    if (!d.results.some((r) => r.ending === 'done')) doubleProblems.push(`${d.messageId}: never answered (${endings})`);
    else if (stored !== 1) doubleProblems.push(`${d.messageId}: ${stored} stored replies (${endings})`);
    else if (n < 1 || n > Math.max(1, attempts - 1))
      doubleProblems.push(
        `${d.messageId}: sent twice at once → ${n} coach replies generated (${endings}; answered by ${d.results.map((r) => r.instance ?? '?').join(' + ')})`,
      );
    else doubleAnsweredOnce++;
  }

  // Sessions: every runner's cookie still works on every instance (straight to each, past the balancer).
  const sessionProblems: string[] = [];
  let sessionChecks = 0;
  for (const [i] of world.servers.entries()) {
    const direct = world.direct(i);
    for (const runner of all) {
      const res = await direct.call('audit.session', 'GET', '/api/auth/me', { cookie: runner.cookie });
      sessionChecks++;
      if (res.status !== 200 || res.json?.user?.id !== runner.userId)
        sessionProblems.push(`${runner.email} on ${names[i]}: ${res.status} ${res.error ?? res.text.slice(0, 80)}`);
    }
    direct.close();
  }

  // ---- The figures.
  const phases = ['one', 'all', 'kill', 'rejoined'] as const;
  const figures = Object.fromEntries(phases.map((p) => [p, world.metrics.figures(p)])) as Record<(typeof phases)[number], Record<string, RouteFigures>>;
  const judged = ['setup', 'warm-up', 'one', 'grow', 'all', 'kill', 'rejoined', 'drain', 'audit'];
  const every5xx = judged.map((p) => [p, totals(world.metrics.figures(p))] as const);
  const instance5xx = every5xx.reduce((sum, [, t]) => sum + t.s5xx, 0);
  const stray = every5xx.filter(([p, t]) => p !== 'kill' && t.balancerErrors + t.networkErrors > 0);
  const strayErrors = stray.reduce((sum, [, t]) => sum + t.balancerErrors + t.networkErrors, 0);
  const killedInFlight = totals(figures.kill);
  const retriedAll = every5xx.reduce((sum, [, t]) => sum + t.retried, 0);
  const failedAttempts = every5xx.reduce((sum, [, t]) => sum + t.balancerErrors + t.networkErrors, 0);
  const rate = (p: (typeof phases)[number], filter: (route: string) => boolean = () => true) =>
    Object.entries(figures[p])
      .filter(([route]) => filter(route))
      .reduce((sum, [, f]) => sum + f.perSecond, 0);
  const isBusy = (route: string) => route.startsWith('busy.');
  const one = rate('one');
  const three = rate('all');
  const ratio = three / one;
  const busyRatio = rate('all', isBusy) / rate('one', isBusy);
  const rejoinedShare = world.metrics.instances('rejoined');
  const unhandled = world.servers.flatMap((s, i) => s.grep(/"level":"error"/).map((line) => `${names[i]}: ${line}`));

  for (const p of phases) {
    const title = {
      one: `1 instance (${SECONDS} s measured)`,
      all: `${INSTANCES} instances (${SECONDS} s measured)`,
      kill: `${names[KILLED]} kill -9 → back in the balancer (${world.metrics.seconds('kill').toFixed(1)} s)`,
      rejoined: `after it rejoined (${REJOINED_SECONDS} s)`,
    }[p];
    log(`\n${title}:`);
    console.table(routeTable(figures[p], { balancer: true }));
    log(
      `answers by instance: ${
        Object.entries(world.metrics.instances(p))
          .map(([name, n]) => `${name} ${n}`)
          .join(', ') || 'none'
      }`,
    );
  }
  const summary = Object.fromEntries(
    phases.map((p) => {
      const t = totals(figures[p]);
      const pull = figures[p]['sync.pull'];
      const push = figures[p]['sync.push'];
      return [
        p,
        {
          instances: p === 'one' ? 1 : p === 'kill' ? `${INSTANCES} (−1)` : INSTANCES,
          seconds: Number(world.metrics.seconds(p).toFixed(1)),
          'req/s': Number(t.perSecond.toFixed(1)),
          'busy req/s': Number(rate(p, isBusy).toFixed(1)),
          'push p50/p99 ms': push ? `${ms(push.p50)}/${ms(push.p99)}` : '–',
          'pull p50/p99 ms': pull ? `${ms(pull.p50)}/${ms(pull.p99)}` : '–',
          '5xx': t.s5xx,
          'lb 502/503': t.balancerErrors,
          'net err': t.networkErrors,
          retried: t.retried,
          'CPU servers/generator/machine': p === 'one' || p === 'all' ? cpuLine(p === 'one' ? cpuOne : cpuAll) : '',
        },
      ];
    }),
  );
  log(`\nsummary (CPU: the instances together and the load generator in cores, the machine's ${cpus().length} cores in % busy):`);
  console.table(summary);
  log(
    `throughput, ${INSTANCES} instances vs 1: ${three.toFixed(1)} / ${one.toFixed(1)} req/s = ×${ratio.toFixed(2)} (the runners syncing without pause: ×${busyRatio.toFixed(2)}); ${cpus().length} cores shared with the load generator, HAProxy and Postgres`,
  );
  log(
    `kill: ${killedInFlight.balancerErrors} balancer 502/503 + ${killedInFlight.networkErrors} connection errors (the killed instance's requests in flight), ${retriedAll} attempts sent again, all answered after the retry: ${retriedAll === failedAttempts ? 'yes' : 'NO'}; ${names[KILLED]} back after ${backAfter.toFixed(1)} s and answered ${rejoinedShare[names[KILLED]!] ?? 0} requests after it rejoined`,
  );
  log(
    `5xx from the instances: ${instance5xx} (all phases, target 0); balancer 502/503 or connection errors outside the kill: ${strayErrors} (target 0)${stray.length ? `: ${stray.map(([p, t]) => `${p} ${t.balancerErrors} + ${t.networkErrors}`).join(', ')}` : ''}`,
  );
  log(
    `HAProxy at the end: ${balancerStates.map((s) => `${s.name} ${s.status} (${s.sessions} requests, ${s.retries} retried, ${s.redispatches} redispatched)`).join('; ')}`,
  );
  log(
    `audit: ${settled}/${all.length} runners settled, ${all.reduce((sum, r) => sum + r.mutationsMade, 0)} mutations, digests compared; ${runnerProblems.length} problems${runnerProblems.length ? `:\n  ${runnerProblems.slice(0, 20).join('\n  ')}` : ''}`,
  );
  const f = events.figures;
  log(
    `webhooks: ${f.events} events (${f.unacked} never got a 200 in 3 attempts), ${f.processed} processed once, ${f.activities} activities, ${f.fetches} Strava fetches; notifications: ${f.notificationsSent}/${leaving.length} deauthorizations notified once, ${mails} e-mails (${notificationRows.map((r) => `${r.kind} ${r.status} ${r.n}`).join(', ') || 'no notifications'}); ${events.problems.length} problems${events.problems.length ? `:\n  ${events.problems.join('\n  ')}` : ''}`,
  );
  log(
    `chats: ${chatOutcomes.length} asked, ${chatsDone} answered to the end, ${chatOutcomes.filter((c) => c.attempts > 1).length} sent again after the kill; ${chatProblems.length} problems${chatProblems.length ? `:\n  ${chatProblems.slice(0, 10).join('\n  ')}` : ''}`,
  );
  if (doubles.length)
    log(
      `chats sent twice at once: ${doubleAnsweredOnce}/${doubles.length} answered once; ${doubleProblems.length} problems${doubleProblems.length ? `:\n  ${doubleProblems.slice(0, 10).join('\n  ')}` : ''}`,
    );
  log(
    `sessions: ${sessionChecks - sessionProblems.length}/${sessionChecks} (runner × instance) still signed in${sessionProblems.length ? `:\n  ${sessionProblems.slice(0, 10).join('\n  ')}` : ''}`,
  );
  if (unhandled.length) log(`the instances logged ${unhandled.length} errors, e.g.:\n  ${unhandled.slice(0, 3).join('\n  ')}`);
  for (const p of judged) {
    for (const [route, d] of Object.entries(world.metrics.details(p))) if (d.examples.length) log(`  ${p} ${route} failures: ${d.examples.join(' | ')}`);
  }

  const checks = {
    'no 5xx from an instance': instance5xx === 0,
    'no balancer 502/503 or connection errors but the killed instance’s in flight': strayErrors === 0,
    'every killed in-flight request answered when sent again': retriedAll === failedAttempts,
    'the killed instance rejoined and served': (rejoinedShare[names[KILLED]!] ?? 0) > 0,
    'every device digest equals the server’s, every change applied once': runnerProblems.length === 0,
    'every webhook event processed once, every notification sent once': events.ok && left === 0 && !notificationWait,
    'every chat answered once': chatProblems.length === 0 && chatsDone === chatOutcomes.length,
    'a chat sent twice at once answered once': doubleProblems.length === 0,
    'no session lost (every cookie valid on every instance)': sessionProblems.length === 0,
    'every instance up at the end': up,
  };
  const ok = Object.values(checks).every(Boolean);
  const results = join(tmpdir(), 'rc-ops-logs', `cluster-results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(join(tmpdir(), 'rc-ops-logs'), { recursive: true });
  writeFileSync(
    results,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: { cores: cpus().length, note: 'load generator, HAProxy, Postgres and every instance share the cores' },
        settings: {
          instances: INSTANCES,
          runners: RUNNERS,
          busy: BUSY,
          seconds: SECONDS,
          warmupSeconds: WARMUP_SECONDS,
          webhooksPerSecond: WEBHOOKS_PER_SECOND,
          chatsPerSecond: CHATS_PER_SECOND,
          deauths: DEAUTHS,
          doubleChats: DOUBLE_CHATS,
        },
        figures,
        summary,
        ratio: { oneInstance: one, all: three, ratio, busyRatio },
        kill: { killedInFlight, retried: retriedAll, backAfterSeconds: backAfter, rejoinedShare },
        audit: {
          runnerProblems: runnerProblems.slice(0, 50),
          events: events.figures,
          eventProblems: events.problems,
          chatProblems,
          doubleProblems,
          sessionProblems: sessionProblems.slice(0, 50),
          notificationRows,
        },
        checks,
        ok,
      },
      null,
      2,
    )}\n`,
  );
  log(
    `\n${Object.entries(checks)
      .map(([name, pass]) => `${pass ? 'PASS' : 'FAIL'} ${name}`)
      .join('\n')}`,
  );
  log(`${ok ? 'PASS' : 'FAIL'}: cluster run in ${elapsed()} (results in ${results})`);
  return ok ? 0 : 1;
}

/** How often each chat message (by the tag askCoach puts in it) reached Claude as the newest user turn. */
function countGenerations(requests: { body?: { messages?: { role: string; content: unknown }[] } }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of requests) {
    const last = request.body?.messages?.at(-1);
    if (!last || last.role !== 'user') continue;
    const tag = /How should I run tomorrow\? \(([0-9a-f]{8})\)/.exec(JSON.stringify(last.content))?.[1];
    if (tag) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  }
  return counts;
}

/** The machine's CPU time so far (all cores, in jiffies): busy (not idle, not waiting for I/O) and total. */
function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((sum, v) => sum + v, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
}

function cpuLine(use: { servers: number; generator: number; machine: number }): string {
  return `${use.servers.toFixed(2)} / ${use.generator.toFixed(2)} / ${(use.machine * 100).toFixed(0)} %`;
}
