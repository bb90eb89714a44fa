// Dexie's liveQuery needs IndexedDB globals to exist; each device still gets its own IDBFactory.
import 'fake-indexeddb/auto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { DatabaseHandle } from '#server/db/database.ts';
import { openTestPglite } from '#server/test/databases.ts';
import { buildTestApp, call, signUp, type TestApp } from '#server/test/harness.ts';
import type { PullRequest, PushRequest } from '#shared/sync/protocol.ts';
import { ENTITY_KEYS, UserDb } from '#client/lib/data/db.ts';
import { ensureMeta } from '#client/lib/data/meta.ts';
import { mutate, type MutationInput, type MutationName } from '#client/lib/data/mutations.ts';
import { deviceDigest } from '#client/lib/sync/digest.ts';
import { SyncEngine } from '#client/lib/sync/engine.ts';
import { noLock } from '#client/lib/sync/locks.ts';
import type { SyncTransport, TransportResponse } from '#client/lib/sync/transport.ts';

// The real server app on in-memory PGlite, and devices on fake-indexeddb that reach it through
// a fake network the test controls: it can lose a request before or after the server handled
// it, deliver it twice, or hold it back and deliver it later ("ghosts").

const SESSION_SECRET = 'sync-tests-session-secret-0123456789abcdef';

/** The server and its clock; `restart()` builds a new app over the same database. */
export class World {
  private constructor(
    readonly handle: DatabaseHandle,
    public server: TestApp,
  ) {}

  /** Opens a fresh database: in-memory PGlite unless another opener is given (Postgres). */
  static async open(openDatabase: () => Promise<DatabaseHandle> = openTestPglite): Promise<World> {
    const handle = await openDatabase();
    return new World(handle, buildTestApp(handle, { SESSION_SECRET }));
  }

  /** The server's time, in ms. */
  now(): number {
    return this.server.clock.now().getTime();
  }

  advance(ms: number): void {
    this.server.clock.advance(ms);
  }

  /** "Kills" the server: a new app instance over the same database, the clock carried on. */
  restart(): void {
    const at = this.now();
    this.server = buildTestApp(this.handle, { SESSION_SECRET });
    this.server.clock.advance(at - this.now());
  }

  /** A freshly signed-up runner. */
  async runner(): Promise<Runner> {
    const { cookie, user } = await signUp(this.server);
    return new Runner(this, cookie, user.id);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export class Runner {
  readonly devices: Device[] = [];
  constructor(
    readonly world: World,
    readonly cookie: string,
    readonly userId: string,
  ) {}

  /** A new device (its own IndexedDB) signed in as this runner. */
  async device(options: { pullLimit?: number; skewMs?: number } = {}): Promise<Device> {
    const device = new Device(this, new IDBFactory(), `runcoach-${this.userId}-device${this.devices.length + 1}`, options);
    await device.open();
    this.devices.push(device);
    return device;
  }

  /** GET /api/sync/digest. */
  async serverDigest(): Promise<unknown> {
    const response = await call(this.world.server.app, 'GET', '/api/sync/digest', { cookie: this.cookie });
    return response.json.entities;
  }

  api(method: string, path: string, body?: unknown) {
    return call(this.world.server.app, method, path, { cookie: this.cookie, body });
  }
}

export type Fate = 'ok' | 'drop-before' | 'drop-after' | 'duplicate' | 'ghost';

/** The fake network of one device. */
export class Net implements SyncTransport {
  offline = false;
  /** Decides what happens to each request. */
  fate: (kind: 'push' | 'pull', body: PushRequest | PullRequest) => Fate = () => 'ok';
  /** Called before each request reaches the server (tests observe or change state here). */
  onSend: (kind: 'push' | 'pull', body: PushRequest | PullRequest) => Promise<void> | void = () => {};
  /** Requests held back, to be delivered later (their answers go nowhere). */
  readonly ghosts: (() => Promise<unknown>)[] = [];
  readonly sent: { kind: 'push' | 'pull'; body: PushRequest | PullRequest; status?: number }[] = [];

  constructor(private readonly runner: Runner) {}

  push(body: PushRequest): Promise<TransportResponse> {
    return this.send('push', body);
  }

  pull(body: PullRequest): Promise<TransportResponse> {
    return this.send('pull', body);
  }

  /** One request the way the server sees it (no faults). */
  async deliver(kind: 'push' | 'pull', body: unknown): Promise<TransportResponse> {
    const { status, json } = await call(this.runner.world.server.app, 'POST', `/api/sync/${kind}`, { cookie: this.runner.cookie, body });
    return { status, json };
  }

  /** Delivers every held-back request now, in the order given. */
  async flushGhosts(order: (ghosts: (() => Promise<unknown>)[]) => (() => Promise<unknown>)[] = (g) => g): Promise<void> {
    const ghosts = order(this.ghosts.splice(0));
    for (const ghost of ghosts) await ghost();
  }

  private async send(kind: 'push' | 'pull', body: PushRequest | PullRequest): Promise<TransportResponse> {
    if (this.offline) throw new Error('offline');
    await this.onSend(kind, body);
    const record: (typeof this.sent)[number] = { kind, body };
    this.sent.push(record);
    const fate = this.fate(kind, body);
    if (fate === 'drop-before') throw new Error('request lost');
    if (fate === 'ghost') {
      this.ghosts.push(() => this.deliver(kind, body));
      throw new Error('timed out');
    }
    const response = await this.deliver(kind, body);
    record.status = response.status;
    if (fate === 'drop-after') throw new Error('response lost');
    if (fate === 'duplicate') return this.deliver(kind, body);
    return response;
  }
}

/** A simulated device: its own IndexedDB, clock skew, network and engine. */
export class Device {
  readonly net: Net;
  db!: UserDb;
  engine!: SyncEngine;
  skewMs: number;

  constructor(
    readonly runner: Runner,
    private readonly idb: IDBFactory,
    /** Dexie keeps per-name state across instances (liveQuery stalls on a shared name), so each device has its own. */
    private readonly dbName: string,
    private readonly options: { pullLimit?: number; skewMs?: number },
  ) {
    this.net = new Net(runner);
    this.skewMs = options.skewMs ?? 0;
  }

  /** Opens (or, after close(), reopens: an app restart) the device's database and engine. */
  async open(): Promise<void> {
    this.db = new UserDb(this.runner.userId, { name: this.dbName, indexedDB: this.idb, IDBKeyRange, now: () => this.runner.world.now() + this.skewMs });
    await this.db.open();
    await ensureMeta(this.db);
    this.engine = new SyncEngine({ db: this.db, transport: this.net, lock: noLock, ...(this.options.pullLimit ? { pullLimit: this.options.pullLimit } : {}) });
  }

  /** A second tab of this device: the same IndexedDB, its own engine. */
  async tab(): Promise<{ db: UserDb; engine: SyncEngine }> {
    const db = new UserDb(this.runner.userId, { name: this.dbName, indexedDB: this.idb, IDBKeyRange, now: () => this.runner.world.now() + this.skewMs });
    await db.open();
    return { db, engine: new SyncEngine({ db, transport: this.net, lock: noLock }) };
  }

  close(): void {
    this.db.close();
  }

  sync() {
    return this.engine.sync();
  }

  mutate<N extends MutationName>(name: N, args: MutationInput<N>): Promise<number> {
    return mutate(this.db, name, args);
  }

  digest() {
    return deviceDigest(this.db);
  }

  /** The view rows of an entity without their local bookkeeping. */
  async view(entity: 'goals' | 'user_profiles'): Promise<Record<string, unknown>[]> {
    const rows = await this.db.view(entity).toArray();
    const key = ENTITY_KEYS[entity];
    return rows.map(({ _hlc, _pending, ...row }) => row).sort((a, b) => String(a[key]).localeCompare(String(b[key])));
  }

  /** The server-state rows of an entity. */
  async serverRows(entity: 'goals' | 'user_profiles'): Promise<Record<string, unknown>[]> {
    const records = await this.db.server(entity).toArray();
    const key = ENTITY_KEYS[entity];
    return records.map((record) => record.row).sort((a, b) => String(a[key]).localeCompare(String(b[key])));
  }
}

/** A race goal in the future of the test clock. */
export const race = (date = '2026-09-20', extra: Record<string, unknown> = {}) =>
  ({ goal_type: 'race', target_race_distance_meters: 21097.5, target_race_date: date, target_time_seconds: 6300, ...extra }) as const;
