import { percentile } from '../../bench/lib.ts';
import type { JobsOptions } from '../../server/workers.ts';
import type { Http } from '../lib/http.ts';
import type { SimRunner } from '../lib/runner.ts';
import { jitter, ms, sleep } from '../lib/util.ts';
import type { World } from '../lib/world.ts';

/**
 * Job-queue knobs for the fault runs: production's back-offs (30 s doubling, 10 s Strava
 * deadline) would stretch a run over many minutes; these keep the same logic on a shorter clock.
 */
export const FAULT_JOBS: JobsOptions = { pollingIntervalSeconds: 0.5, retryDelaySeconds: 1, stravaTimeoutMs: 2_000, notFoundDelaysMs: [500, 1_000, 2_000] };

// What the fault scenarios share: a result that lists each check, runners syncing until told
// to stop, a health prober, and the post-run audit of every runner.

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export class ScenarioResult {
  readonly checks: Check[] = [];
  readonly notes: string[] = [];

  constructor(readonly name: string) {}

  check(name: string, ok: boolean, detail = ''): void {
    this.checks.push({ name, ok, detail });
  }

  note(line: string): void {
    this.notes.push(line);
  }

  get ok(): boolean {
    return this.checks.length > 0 && this.checks.every((c) => c.ok);
  }
}

/**
 * Runners syncing in a loop (push then pull, `pauseMs` apart) until stop() resolves. `routes`
 * names the pushes and pulls in the metrics (default sync.push, sync.pull); `spreadMs` spreads
 * the first syncs over that many milliseconds.
 */
export function syncLoops(
  runners: SimRunner[],
  pauseMs: [number, number],
  changes: [number, number] = [1, 5],
  options: { routes?: { push: string; pull: string }; spreadMs?: number } = {},
) {
  let stopping = false;
  const loops = runners.map(async (runner) => {
    if (options.spreadMs) await sleep(jitter(0, options.spreadMs));
    while (!stopping) {
      // A runner edits at human speed: while the server is away the outbox grows a little, not without bound.
      if (runner.outbox.length < 20) runner.queueChanges(jitter(...changes));
      const pushed = await runner.push(options.routes?.push);
      if (pushed === 200) await runner.pullAll(options.routes?.pull);
      // A failed push waits a little, as the app's back-off does, then resends the same mutations.
      await sleep(pushed === 200 ? jitter(...pauseMs) : jitter(100, 400));
    }
  });
  return {
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

/** GET /api/health every `everyMs`: each answer's status and time (network errors included). */
export function healthProbe(http: Http, everyMs = 250, timeoutMs = 5_000) {
  const answers: { at: number; status: number | 'network' | 'timeout'; ms: number }[] = [];
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      const res = await http.call('health', 'GET', '/api/health', { timeoutMs });
      answers.push({ at: Date.now(), status: res.status, ms: res.ms });
      await sleep(everyMs);
    }
  })();
  return {
    answers,
    stop: async () => {
      stopping = true;
      await loop;
    },
  };
}

/** Settles every runner (pushes what is left, pulls) and audits it; adds the check to `result`. */
export async function auditRunners(result: ScenarioResult, world: World, runners: SimRunner[], timeoutMs = 90_000): Promise<void> {
  const name = 'sync audit: server digests equal each device, every change applied exactly once';
  if (!world.server.running) {
    result.check(name, false, 'the server is not running: nothing to audit against');
    return;
  }
  const problems: string[] = [];
  let mutations = 0;
  let edits = 0;
  const deadline = Date.now() + timeoutMs;
  for (const runner of runners) {
    if (!(await runner.settle(Math.max(1_000, deadline - Date.now())))) problems.push(`${runner.email}: could not sync its outbox in time`);
    problems.push(...(await runner.audit()).problems);
    mutations += runner.mutationsMade;
    edits += runner.intent.notesSent.length;
  }
  result.check(
    name,
    problems.length === 0,
    `${runners.length} runners, ${mutations} mutations (${edits} counted workout edits)${problems.length ? `; ${problems.length} problems: ${problems.slice(0, 8).join('; ')}` : ''}`,
  );
}

/** Latency summary of a phase's route, for the report. */
export function latencyLine(world: World, phase: string, route: string): string {
  const values = world.metrics.latencies(phase, route);
  if (!values.length) return `${route}: no answers`;
  return `${route}: ${values.length} answers, p50 ${ms(percentile(values, 50))} ms, p99 ${ms(percentile(values, 99))} ms, max ${ms(Math.max(...values))} ms`;
}

/** The status counts of a phase's route, e.g. "200×310 503×4 network×12". */
export function statusLine(world: World, phase: string, route: string): string {
  const detail = world.metrics.details(phase)[route];
  const figures = world.metrics.figures(phase)[route];
  if (!detail || !figures) return `${route}: none`;
  const parts = Object.entries(detail.statuses).map(([status, n]) => `${status}×${n}`);
  if (figures.networkErrors) parts.push(`network×${figures.networkErrors}`);
  return `${route}: ${parts.join(' ')}`;
}

/** Lines the server logged at level error (unexpected failures), across its starts. */
export function loggedErrors(world: World): string[] {
  return world.server.grep(/"level":"error"/);
}
