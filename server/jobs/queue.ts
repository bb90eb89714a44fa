import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { fromPglite, PgBoss, type Queue } from 'pg-boss';
import type { Logger } from '../lib/log.ts';
import { foregroundGate } from './foreground.ts';

// pg-boss on the app's own database (docs/ARCHITECTURE.md §Jobs): PGlite through pg-boss's fromPglite
// adapter (a plain executeSql adapter breaks on its multi-statement SQL), Postgres through a
// connection string, so several server processes on one Postgres share the work.

/** Every queue the server runs. */
export const QUEUES = {
  stravaEvent: 'strava.event',
  stravaBackfill: 'strava.backfill',
  stravaPurge: 'strava.purge',
  markMissed: 'workouts.mark-missed',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Where the queue lives: the PGlite the app uses, or the Postgres it connects to. */
export type JobsDatabase = { kind: 'pglite'; client: PGlite } | { kind: 'postgres'; connectionString: string };

/** Knobs, mostly for tests: production uses the defaults. */
export interface JobsOptions {
  /** Run workers in this process (default true); false only queues, e.g. to test a restart. */
  work?: boolean;
  /** Register the cron schedules (default true). */
  schedule?: boolean;
  pollingIntervalSeconds?: number;
  /** Base of the exponential backoff for failed jobs (default 30 s, at most 1 h). */
  retryDelaySeconds?: number;
  retryLimit?: number;
  /** Strava events fetched per batch and handled side by side, per process (default 4). */
  concurrency?: number;
  /** Longest single deferral in real time; a paused job then re-checks the pause (default none). */
  maxDeferMs?: number;
  /** When an activity answers 404 right after `create`: retry after these delays (default 1, 5, 15 min). */
  notFoundDelaysMs?: number[];
  /** Deadline of each Strava call (default 10 s). */
  stravaTimeoutMs?: number;
  /** After a refresh that timed out, how long (app clock) before trying the refresh token again (default 10 min). */
  uncertainRefreshWaitMs?: number;
  /** Activities per backfill page (default 200, Strava's maximum). */
  backfillPageSize?: number;
}

export type ResolvedJobsOptions = Required<JobsOptions>;

/** The queue as the rest of the server sees it. */
export interface Jobs {
  readonly options: ResolvedJobsOptions;
  /** The pg-boss instance, for tests and the bench. */
  readonly boss: PgBoss;
  /**
   * Queues a job. With `key`, the job id is derived from it, so queuing the same work twice while
   * the first job is still known to pg-boss is a no-op (a restart's sweep re-queues safely).
   */
  send(name: QueueName, data: object, options?: { startAfter?: Date; priority?: number; key?: string }): Promise<void>;
  /**
   * Queues a job without waiting, batched with the others queued in the same moment (one insert
   * for a burst of webhooks). Only for work already stored durably: a failed insert is logged,
   * and the sweep (at start, hourly) queues the work again.
   */
  enqueue(name: QueueName, data: object, key: string): void;
  /** Marks foreground work (a webhook being answered) until the returned function is called: background handlers step aside meanwhile. */
  foreground(): () => void;
  /** Resolves once the server is quiet: no foreground work for a moment and no burst (waiting at most a few seconds). */
  foregroundQuiet(): Promise<void>;
  /** Stops the workers (waiting for running handlers) and the queue. */
  stop(): Promise<void>;
}

/** The default options, with `options` applied. */
export function resolveJobsOptions(options: JobsOptions = {}): ResolvedJobsOptions {
  return {
    work: true,
    schedule: true,
    pollingIntervalSeconds: 1,
    retryDelaySeconds: 30,
    retryLimit: 8,
    concurrency: 4,
    maxDeferMs: Number.POSITIVE_INFINITY,
    notFoundDelaysMs: [60_000, 300_000, 900_000],
    stravaTimeoutMs: 10_000,
    uncertainRefreshWaitMs: 10 * 60_000,
    backfillPageSize: 200,
    ...options,
  };
}

function queueOptions(options: ResolvedJobsOptions): Omit<Queue, 'name'> {
  return {
    retryLimit: options.retryLimit,
    retryDelay: options.retryDelaySeconds,
    retryBackoff: true,
    retryDelayMax: 3600,
    // A handler waits for Strava at most a few calls' deadlines.
    expireInSeconds: 15 * 60,
    // A job whose process died (kill -9, a lost machine) stays `active`, and blocks its own
    // re-queue, until it expires; a heartbeat lets the monitor retry it within ~1.5 min instead.
    heartbeatSeconds: 30,
    // Completed jobs only serve debugging; our own tables hold the outcome.
    deleteAfterSeconds: 24 * 3600,
  };
}

/** Starts pg-boss on `database` (it creates its own `pgboss` schema) and creates the queues. */
export async function openQueue(deps: { log: Logger }, database: JobsDatabase, options: ResolvedJobsOptions): Promise<Jobs> {
  const boss =
    database.kind === 'pglite'
      ? new PgBoss({ db: fromPglite(database.client), backend: 'pglite', schedule: options.schedule, useListenNotify: true })
      : new PgBoss({
          connectionString: database.connectionString,
          max: 5,
          schedule: options.schedule,
          useListenNotify: true,
          application_name: 'runcoach-jobs',
        });
  // pg-boss reports background trouble as events; without a listener an 'error' would throw.
  boss.on('error', (error: Error) => deps.log.error('job queue error', { error: error.message }));
  boss.on('warning', (warning: { message: string }) => deps.log.warn('job queue warning', { warning: warning.message }));
  await boss.start();
  for (const name of Object.values(QUEUES)) {
    const settings = { ...queueOptions(options), notify: NOTIFIED.has(name) };
    await boss.createQueue(name, settings);
    // createQueue keeps an existing queue as it was: apply today's settings too.
    await boss.updateQueue(name, settings);
  }
  const batcher = insertBatcher(boss, deps.log);
  const gate = foregroundGate();
  let stopping: Promise<void> | undefined;
  return {
    options,
    boss,
    async send(name, data, sendOptions = {}) {
      const { key, ...rest } = sendOptions;
      await boss.send(name, data, { ...rest, ...(key ? { id: jobId(name, key) } : {}) });
    },
    enqueue: batcher.enqueue,
    foreground: gate.enter,
    foregroundQuiet: gate.quiet,
    stop: () =>
      (stopping ??= (async () => {
        await batcher.flush();
        await boss.stop({ graceful: true, timeout: 15_000 });
      })()),
  };
}

/** Queues whose new jobs wake the workers at once (LISTEN/NOTIFY) rather than at the next poll. */
const NOTIFIED = new Set<QueueName>([QUEUES.stravaEvent, QUEUES.stravaBackfill]);

/** Collects enqueue() calls made in the same tick and inserts them per queue in one statement. */
function insertBatcher(boss: PgBoss, log: Logger) {
  const pending = new Map<QueueName, Map<string, object>>();
  let running: Promise<void> | null = null;
  const flush = async (): Promise<void> => {
    while (running) await running;
    if (pending.size === 0) return;
    const batches = [...pending.entries()];
    pending.clear();
    running = (async () => {
      for (const [name, jobs] of batches) {
        try {
          await boss.insert(
            name,
            [...jobs.entries()].map(([id, data]) => ({ id, data })),
          );
        } catch (error) {
          log.error('jobs not queued (the sweep will queue them)', { queue: name, count: jobs.size, error: (error as Error).message });
        }
      }
    })();
    await running;
    running = null;
  };
  return {
    enqueue(name: QueueName, data: object, key: string): void {
      const forQueue = pending.get(name) ?? new Map<string, object>();
      if (forQueue.size === 0 && pending.size === 0) setImmediate(() => void flush());
      pending.set(name, forQueue.set(jobId(name, key), data));
    },
    flush,
  };
}

/** A UUID-shaped job id derived from the queue and a key. */
export function jobId(name: QueueName, key: string): string {
  const hex = createHash('sha256').update(`${name}\n${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
