import type { Hono } from 'hono';
import { formatHlc, nodeIdFor, tick, type Hlc } from '#shared/sync/hlc.ts';
import { currentVersion } from '#shared/sync/mutation-args.ts';
import { PROTOCOL_VERSION, SCHEMA_VERSION, type Cursor, type Mutation } from '#shared/sync/protocol.ts';
import type { AppEnv } from '../context.ts';
import { call } from './harness.ts';

let devices = 0;

/**
 * A minimal device for server tests: numbers its mutations, stamps them with its own HLC
 * (whose wall clock the test sets), and pushes/pulls through app.request().
 */
export class TestDevice {
  readonly clientId = `c_testdevice${++devices}_${Math.random().toString(36).slice(2, 10)}`;
  private nextId = 1;
  private clock: Hlc | null = null;
  cursor: Cursor | null = null;
  /** Offset of this device's clock from real time, in ms (to simulate skew). */
  skewMs = 0;

  constructor(
    /** The server it talks to (a test may point it at another, e.g. after a move). */
    public app: Hono<AppEnv>,
    public cookie: string,
    private readonly wallMs: () => number,
  ) {}

  /** A new mutation with the next id and a fresh HLC (not yet sent); `v` defaults to the name's current version. */
  mutation(name: string, args: unknown, v = currentVersion(name)): Mutation {
    this.clock = tick(this.clock, this.wallMs() + this.skewMs, nodeIdFor(this.clientId));
    return { id: this.nextId++, name, v, hlc: formatHlc(this.clock), args };
  }

  push(mutations: Mutation[], overrides: Record<string, unknown> = {}) {
    return call(this.app, 'POST', '/api/sync/push', {
      cookie: this.cookie,
      body: { protocol: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId: this.clientId, mutations, ...overrides },
    });
  }

  async pull(limit = 500, overrides: Record<string, unknown> = {}) {
    const res = await call(this.app, 'POST', '/api/sync/pull', {
      cookie: this.cookie,
      body: { protocol: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId: this.clientId, cursor: this.cursor, limit, ...overrides },
    });
    if (res.status === 200 && res.json.cursor) this.cursor = res.json.cursor;
    return res;
  }

  /** Pulls until there is nothing more; returns every change seen. */
  async pullAll(limit = 500) {
    const changes: any[] = [];
    for (;;) {
      const res = await this.pull(limit);
      if (res.status !== 200 || res.json.reset) return { changes, last: res };
      changes.push(...res.json.changes);
      if (!res.json.hasMore) return { changes, last: res };
    }
  }
}
