import {
  DEFAULT_PULL_LIMIT,
  MAX_MUTATIONS_PER_PUSH,
  MAX_PULL_LIMIT,
  PROTOCOL_VERSION,
  SCHEMA_VERSION,
  type Cursor,
  type Mutation,
} from '#shared/sync/protocol.ts';
import type { z } from 'zod';
import type { UserDb } from '../data/db.ts';
import { readMeta } from '../data/meta.ts';
import { applyPage, purgeOld, recordResults } from './apply.ts';
import { syncLockName, webLock, type SyncLock } from './locks.ts';
import { nextBatch, rekeyClient } from './push.ts';
import { errorForResponse, syncError, type SyncError, type SyncOutcome, type SyncStatus } from './status.ts';
import type { SyncTransport, TransportResponse } from './transport.ts';
import { ErrorBodySchema, PullResponseSchema, PushResponseSchema } from './wire.ts';

// The push/pull loop (docs/SYNC.md §Push, §Pull and §Device). Transport-agnostic and bound to ONE
// runner's database, so one runner's outbox is never pushed with another's session.

export interface SyncEngineOptions {
  db: UserDb;
  transport: SyncTransport;
  /** The device's wall clock; defaults to the database's. */
  now?: () => number;
  /** Defaults to Web Locks (one tab at a time). */
  lock?: SyncLock;
  /**
   * Who the session belongs to now, asked at the start of every run; any other answer than this
   * database's runner stops the run before a request is made (another tab may have signed in as
   * someone else, and a client id the server has not seen yet would be taken as theirs).
   */
  signedInUserId?: () => string | null | undefined | Promise<string | null | undefined>;
  pullLimit?: number;
}

/** A reason to stop this run, carried up from wherever it was found. */
class Halt extends Error {
  constructor(readonly reason: SyncError) {
    super(reason.message);
  }
}

// Bounds on loops that must end; reaching one means a bug, reported rather than spun on.
const MAX_ROUNDS = 10_000;
const MAX_RESETS = 3;

/** Syncs one runner's database with the server. */
export class SyncEngine {
  private current: SyncStatus = { phase: 'idle', pending: 0, error: null, lastSyncedAt: null };
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  private running: Promise<SyncOutcome> | null = null;
  private again = false;
  private stopped = false;
  private readonly db: UserDb;
  private readonly now: () => number;

  constructor(private readonly options: SyncEngineOptions) {
    this.db = options.db;
    this.now = options.now ?? options.db.now;
  }

  /** The latest status. */
  get status(): SyncStatus {
    return this.current;
  }

  /** Calls `listener` with the status now and on every change; returns the unsubscribe. */
  subscribe(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.current);
    return () => this.listeners.delete(listener);
  }

  /** Syncs under the runner's lock; a call during a run makes one more run after it. */
  sync(): Promise<SyncOutcome> {
    if (this.stopped) return Promise.resolve({ ok: false, error: syncError('stopped') });
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const lock = this.options.lock ?? webLock;
    const loop = async (): Promise<SyncOutcome> => {
      let outcome: SyncOutcome;
      do {
        this.again = false;
        // syncOnce reports its failures as outcomes; only the lock itself can throw (aborted).
        outcome = await lock(syncLockName(this.db.userId), () => this.syncOnce()).catch((error: unknown) => ({
          ok: false as const,
          error: syncError('storage_error', error instanceof Error ? error.message : String(error)),
        }));
      } while (this.again && outcome.ok && !this.stopped);
      return outcome;
    };
    this.running = loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops for good (sign-out): no new runs; waits for the one under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
  }

  /** One pass without the lock: push the outbox, then pull until caught up. Prefer sync(). */
  async syncOnce(): Promise<SyncOutcome> {
    this.update({ phase: 'syncing' });
    let error: SyncError | null = null;
    try {
      await this.checkSession();
      await this.pushAll();
      await this.pullAll();
      await purgeOld(this.db, this.now());
    } catch (cause) {
      error = cause instanceof Halt ? cause.reason : syncError('storage_error', cause instanceof Error ? cause.message : String(cause));
    }
    const meta = await this.db.meta.get('device').catch(() => undefined);
    const pending = await this.db.outbox
      .filter((entry) => !entry.result && !entry.confirmed)
      .count()
      .catch(() => this.current.pending);
    const phase = error === null ? 'idle' : error.code === 'offline' ? 'offline' : 'error';
    this.update({ phase, error, pending, lastSyncedAt: meta?.lastSyncedAt ?? this.current.lastSyncedAt });
    return error ? { ok: false, error } : { ok: true };
  }

  /** Pushes every unanswered mutation in id order (docs/SYNC.md §Push). */
  private async pushAll(): Promise<void> {
    let from: number | null = null;
    let limit = MAX_MUTATIONS_PER_PUSH;
    let lastExpected: number | null = null;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const batch = await nextBatch(this.db, from, limit);
      if (batch === null) {
        await rekeyClient(this.db, from!);
        from = null;
        continue;
      }
      if (batch.length === 0) return;
      const response = await this.send('push', { mutations: batch });
      if (response.status === 200) {
        await recordResults(this.db, parse(PushResponseSchema, response.json), this.now());
        from = null;
        limit = MAX_MUTATIONS_PER_PUSH;
      } else if (response.status === 409) {
        // A gap: the server lacks mutations before this batch (restored from a backup); resend from there.
        const expected = ErrorBodySchema.safeParse(response.json).data?.error.expected;
        if (expected === undefined || expected === lastExpected) throw new Halt(syncError('protocol_error', 'out_of_order'));
        lastExpected = from = expected;
      } else if (response.status === 413 && batch.length > 1) {
        limit = Math.ceil(batch.length / 2);
      } else {
        throw new Halt(errorForResponse(response));
      }
    }
    throw new Halt(syncError('protocol_error', 'push did not settle'));
  }

  /** Pulls pages until caught up; on `reset`, pushes first, then downloads again (G6). */
  private async pullAll(): Promise<void> {
    const meta = await readMeta(this.db);
    let cursor: Cursor | null = meta.cursor;
    // Rows held in an older shape are downloaded again (the push already ran).
    let clearFirst = cursor !== null && meta.schemaVersion !== SCHEMA_VERSION;
    if (clearFirst) cursor = null;
    let resets = 0;
    let limit = this.options.pullLimit ?? DEFAULT_PULL_LIMIT;
    let fromScratch = cursor === null;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const response = await this.send('pull', { cursor, limit });
      if (response.status !== 200) throw new Halt(errorForResponse(response));
      const body = parse(PullResponseSchema, response.json);
      if ('reset' in body) {
        if (++resets > MAX_RESETS) throw new Halt(syncError('protocol_error', 'reset loop'));
        // The server refuses any cursor below its horizon, even one from a download it began
        // moments ago: a reset during a download is retried in the largest pages it serves.
        if (fromScratch) limit = MAX_PULL_LIMIT;
        await this.pushAll();
        fromScratch = true;
        cursor = null;
        clearFirst = true;
        continue;
      }
      await applyPage(this.db, body, { clearFirst, nowMs: this.now() });
      clearFirst = false;
      cursor = body.cursor;
      if (!body.hasMore) return;
    }
    throw new Halt(syncError('protocol_error', 'pull did not settle'));
  }

  private async send(kind: 'push', body: { mutations: Mutation[] }): Promise<TransportResponse>;
  private async send(kind: 'pull', body: { cursor: Cursor | null; limit: number }): Promise<TransportResponse>;
  private async send(kind: 'push' | 'pull', body: object): Promise<TransportResponse> {
    const { clientId } = await readMeta(this.db); // read each time: a rekey may change it
    const envelope = { protocol: PROTOCOL_VERSION as typeof PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId };
    try {
      if (kind === 'push') return await this.options.transport.push({ ...envelope, ...(body as { mutations: Mutation[] }) });
      return await this.options.transport.pull({ ...envelope, ...(body as { cursor: Cursor | null; limit: number }) });
    } catch {
      throw new Halt(syncError('offline'));
    }
  }

  private async checkSession(): Promise<void> {
    if (!this.options.signedInUserId) return;
    let signedIn: string | null | undefined;
    try {
      signedIn = await this.options.signedInUserId();
    } catch {
      throw new Halt(syncError('offline'));
    }
    if (signedIn !== this.db.userId) throw new Halt(syncError('signed_out'));
  }

  private update(patch: Partial<SyncStatus>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener(this.current);
  }
}

function parse<S extends z.ZodType>(schema: S, json: unknown): z.output<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Halt(syncError('protocol_error', 'unexpected answer'));
  return parsed.data;
}
