import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { askCoach } from './lib/chat.ts';
import { MemorySampler } from './lib/memory.ts';
import { baseUrl } from './lib/postgres.ts';
import { routeTable, totals } from './lib/report.ts';
import type { SimRunner } from './lib/runner.ts';
import { auditEvents, waitForEvents, WebhookSender } from './lib/strava.ts';
import { jitter, sleep } from './lib/util.ts';
import { World } from './lib/world.ts';

// `npm run bench:load`: a real server on a fresh Postgres database, driven over loopback by
// LOAD_RUNNERS simulated runners (each pushes 1–5 changes and pulls every 3–5 s), Strava
// webhooks for their activities, and coach chats against the Claude stand-in, for a warm-up
// and then LOAD_SECONDS measured seconds. Prints per-route figures and the server's memory,
// audits that nothing was lost or applied twice, writes ops/load-results.json, and exits
// non-zero on any 5xx, a failed audit or memory growth after the warm-up.

const env = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const RUNNERS = env('LOAD_RUNNERS', 200);
const SECONDS = env('LOAD_SECONDS', 60);
const WARMUP_SECONDS = env('LOAD_WARMUP_SECONDS', 15);
const WEBHOOKS_PER_SECOND = env('LOAD_WEBHOOKS_PER_SECOND', 5);
const CHATS_PER_SECOND = env('LOAD_CHATS_PER_SECOND', 1);
const RESULTS = fileURLToPath(new URL('./load-results.json', import.meta.url));

const log = (line: string) => process.stdout.write(`${line}\n`);
const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;

const world = await World.create({ name: 'load', postgresBase: baseUrl(), serverEnv: { OPS_MEMORY_LOG: '1' }, serverNodeArgs: ['--expose-gc'] });
let exitCode = 1;
try {
  exitCode = await run(world);
} catch (error) {
  console.error(error);
  console.error(`server log: ${world.logPath}\n${world.server.tail(20)}`);
} finally {
  await world.close();
}
process.exit(exitCode);

async function run(world: World): Promise<number> {
  log(`load: ${RUNNERS} runners, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured, ${WEBHOOKS_PER_SECOND} webhooks/s, ${CHATS_PER_SECOND} chats/s`);
  log(`machine: ${cpus().length} cores; the load generator and stand-ins share them with the server, so figures are lower bounds.`);
  log(`database: a fresh database on ${new URL(baseUrl()).host}; server log: ${world.logPath}`);
  await world.server.start();
  const setupStart = performance.now();
  const runners = await world.addRunners(RUNNERS);
  await world.connectStrava(runners);
  log(`setup: ${runners.length} runners signed up, planned and linked to Strava in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

  const memory = new MemorySampler(world.server);
  // As Strava: a 200 within 2 s or the push is retried, up to 3 attempts in all (its interval is
  // not documented; 2 s here keeps the run short).
  const sender = new WebhookSender(world.http, world.strava, { timeoutMs: 2_000, maxAttempts: 3, retryDelayMs: 2_000 });
  const chats: Promise<unknown>[] = [];
  let stopping = false;

  const runnerLoop = async (runner: SimRunner) => {
    await sleep(jitter(0, 4000)); // spread the first syncs
    while (!stopping) {
      runner.queueChanges(jitter(1, 5));
      await runner.push();
      await runner.pullAll();
      await sleep(jitter(3000, 5000));
    }
  };
  const every = async (perSecond: number, action: () => void) => {
    while (!stopping) {
      action();
      await sleep(1000 / perSecond);
    }
  };

  world.metrics.phase('warm-up');
  memory.start();
  const loops = [
    ...runners.map(runnerLoop),
    every(WEBHOOKS_PER_SECOND, () => void sender.create(pick(runners))),
    every(CHATS_PER_SECOND, () => void chats.push(askCoach(world.http, pick(runners)))),
  ];
  let printed = -1;
  const progress = setInterval(() => {
    const last = memory.samples.at(-1);
    if (last && last.t % 5 === 0 && last.t !== printed && (printed = last.t) >= 0)
      log(`  t=${String(last.t).padStart(3)} s  rss ${last.rssMb.toFixed(0)} MB  (${last.phase})`);
  }, 1000);
  await sleep(WARMUP_SECONDS * 1000);
  world.metrics.phase('measured');
  memory.phase = 'measured';
  const cpuBefore = world.server.cpuSeconds() ?? 0;
  const liveBefore = await world.server.liveMemory();
  await sleep(SECONDS * 1000);
  const liveAfter = await world.server.liveMemory();
  world.metrics.end();
  const serverCpu = ((world.server.cpuSeconds() ?? 0) - cpuBefore) / SECONDS;
  stopping = true;
  memory.phase = 'drain';
  await Promise.all(loops);
  await Promise.allSettled(chats);
  await sender.drain();
  clearInterval(progress);
  memory.stop();

  // The audit: every runner's changes, every webhook event, every chat.
  world.metrics.phase('audit');
  const left = world.server.running ? await waitForEvents((sql) => world.query(sql), 120_000) : -1;
  const runnerProblems: string[] = [];
  let settled = 0;
  const deadline = Date.now() + 180_000;
  if (!world.server.running) runnerProblems.push('the server is not running: nothing to audit against');
  else {
    for (const runner of runners) {
      if (!(await runner.settle(Math.max(1_000, deadline - Date.now())))) runnerProblems.push(`${runner.email}: did not settle`);
      else settled++;
      runnerProblems.push(...(await runner.audit()).problems);
    }
  }
  const events = await auditEvents((sql, params) => world.query(sql, params), sender, world.strava);
  if (left !== 0) events.problems.unshift(`${left} events still unprocessed after 120 s`);
  const chatOutcomes = await Promise.all(chats as Promise<{ ending: string }>[]);
  const chatsDone = chatOutcomes.filter((c) => c.ending === 'done').length;
  const mutations = runners.reduce((sum, r) => sum + r.mutationsMade, 0);
  const unhandled = world.server.grep(/"level":"error"/);

  const measured = world.metrics.figures('measured');
  const warmup = world.metrics.figures('warm-up');
  const total = totals(measured);
  const mem = memory.verdict();
  // V8 grows its heap lazily while the machine has memory to spare, so RSS alone climbs for
  // minutes before a major collection; what the server really holds is the heap after a full GC.
  const liveGrowth = liveBefore && liveAfter ? (liveAfter.heapUsed - liveBefore.heapUsed) / liveBefore.heapUsed : NaN;
  const liveOk = liveGrowth < 0.1;
  log('\nwarm-up (not judged):');
  console.table(routeTable(warmup));
  log(`measured (${SECONDS} s):`);
  console.table(routeTable(measured));
  log(
    `total: ${total.requests} requests, ${total.perSecond.toFixed(1)} req/s, ${total.s5xx} 5xx (target 0), ${total.networkErrors} connection errors, ${total.timeouts} client timeouts`,
  );
  log(
    `server CPU while measured: ${(serverCpu * 100).toFixed(0)} % of one core (the server is one Node process; Postgres, the generator and other work share the ${cpus().length} cores)`,
  );
  log(
    `memory every 5 s (VmRSS MB / V8 heap used MB; w = warm-up): ${memory.samples
      .filter((s) => s.t % 5 === 0)
      .map((s) => `${s.t}s:${s.rssMb.toFixed(0)}/${s.heapMb?.toFixed(0) ?? '?'}${s.phase === 'warm-up' ? 'w' : ''}`)
      .join(' ')}`,
  );
  log(
    `RSS after warm-up: median of first ${mem.windowS} s ${mem.first.toFixed(1)} MB → last ${mem.windowS} s ${mem.last.toFixed(1)} MB (${(mem.growth * 100).toFixed(1)} %): ${mem.ok ? 'flat' : 'grew (see the heap after GC for whether it is held)'}`,
  );
  log(
    `live heap after a full GC: ${liveBefore?.heapUsed.toFixed(1)} MB at the start of the measured run → ${liveAfter?.heapUsed.toFixed(1)} MB at its end (${(liveGrowth * 100).toFixed(1)} %, limit 10 %; RSS then ${liveBefore?.rss.toFixed(0)} → ${liveAfter?.rss.toFixed(0)} MB): ${liveOk ? 'ok' : 'GROWING'}`,
  );
  log(
    `audit: ${settled}/${runners.length} runners settled, ${mutations} mutations; ${runnerProblems.length} problems${runnerProblems.length ? `:\n  ${runnerProblems.slice(0, 20).join('\n  ')}` : ''}`,
  );
  log(
    `webhooks: ${events.figures.events} events, ${events.figures.processed} processed once, ${events.figures.activities} activities, ${events.figures.fetches} activity fetches; ${events.problems.length} problems${events.problems.length ? `:\n  ${events.problems.join('\n  ')}` : ''}`,
  );
  const webhook = measured['strava.webhook'];
  log(
    `webhook answers later than Strava's 2 s: ${webhook?.timeouts ?? 0} of ${webhook?.requests ?? 0}; events without a 200 after 3 attempts (Strava would drop them): ${events.figures.unacked}`,
  );
  log(`chats: ${chatOutcomes.length} asked, ${chatsDone} answered to the end`);
  if (unhandled.length) log(`server logged ${unhandled.length} errors, e.g.:\n  ${unhandled.slice(0, 3).join('\n  ')}`);
  const fiveHundreds = world.metrics.details('measured');
  for (const [route, d] of Object.entries(fiveHundreds)) if (d.examples.length) log(`  ${route} failures: ${d.examples.join(' | ')}`);

  const checks = {
    no5xx: total.s5xx === 0 && totals(warmup).s5xx === 0,
    noConnectionErrors: total.networkErrors === 0,
    memoryNotGrowing: liveOk,
    runnersAudit: runnerProblems.length === 0,
    webhooksAudit: events.ok && left === 0,
    chatsAnswered: chatsDone === chatOutcomes.length,
    serverUp: world.server.running,
  };
  const ok = Object.values(checks).every(Boolean);
  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: { cores: cpus().length, note: 'load generator, stand-ins and server share the cores' },
        settings: {
          runners: RUNNERS,
          seconds: SECONDS,
          warmupSeconds: WARMUP_SECONDS,
          webhooksPerSecond: WEBHOOKS_PER_SECOND,
          chatsPerSecond: CHATS_PER_SECOND,
        },
        measured,
        warmup,
        total,
        serverCpuCores: serverCpu,
        memory: { samples: memory.samples, rssVerdict: mem, liveHeap: { before: liveBefore, after: liveAfter, growth: liveGrowth, ok: liveOk } },
        audit: {
          runners: runners.length,
          settled,
          mutations,
          problems: runnerProblems.slice(0, 50),
          events: events.figures,
          eventProblems: events.problems,
          chats: chatOutcomes.length,
          chatsDone,
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
  log(`${ok ? 'PASS' : 'FAIL'}: load run (results in ops/load-results.json)`);
  return ok ? 0 : 1;
}
