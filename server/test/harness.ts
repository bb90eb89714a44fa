import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll } from 'vitest';
import { createApp } from '../app.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { createInvite } from '../accounts/users.ts';
import { loadConfig } from '../lib/config.ts';
import { type AppDeps, type AppEnv } from '../context.ts';
import { memoryLogger } from '../lib/log.ts';
import { openTestPglite } from './databases.ts';

export const PUBLIC_URL = 'http://localhost:8787';

/** A clock tests move by hand. */
export class FakeClock {
  constructor(private time = Date.parse('2026-03-02T07:00:00Z')) {}
  now = (): Date => new Date(this.time);
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface TestApp {
  app: Hono<AppEnv>;
  deps: AppDeps;
  clock: FakeClock;
  log: ReturnType<typeof memoryLogger>;
}

/** The whole app over `handle`, with a fake clock, a temporary DATA_DIR and a logger tests can read. */
export function buildTestApp(handle: Pick<DatabaseHandle, 'db' | 'kind'>, env: Record<string, string> = {}): TestApp {
  const clock = new FakeClock();
  const log = memoryLogger();
  const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'runcoach-test-')), PUBLIC_URL, ...env });
  const deps: AppDeps = { db: handle.db, dbKind: handle.kind, config, now: clock.now, log };
  return { app: createApp(deps), deps, clock, log };
}

export interface CallOptions {
  body?: unknown;
  /** A raw body, sent as is (for malformed JSON). */
  raw?: string;
  cookie?: string | undefined;
  origin?: string;
  headers?: Record<string, string>;
}

/** One API call through app.request(); returns status, parsed JSON body and headers. */
export async function call(app: Hono<AppEnv>, method: string, path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  const response = await app.request(path, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: response.status, json, headers: response.headers };
}

/** The `name=value` part of a Set-Cookie header, ready to send back. */
export function sessionCookie(headers: Headers): string | undefined {
  const header = headers.get('set-cookie');
  return header?.split(';')[0];
}

let counter = 0;

/** Registers a fresh runner and returns their session cookie and user. */
export async function signUp(t: TestApp, overrides: Partial<{ name: string; email: string; password: string }> = {}) {
  const { code } = await createInvite(t.deps.db, { now: t.clock.now() });
  counter += 1;
  const body = {
    invite_code: code,
    name: overrides.name ?? `Runner ${counter}`,
    email: overrides.email ?? `runner${counter}-${Date.now()}@example.com`,
    password: overrides.password ?? 'long enough password',
  };
  const response = await call(t.app, 'POST', '/api/auth/register', { body });
  if (response.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(response.json)}`);
  return { cookie: sessionCookie(response.headers)!, user: response.json.user as { id: string; email: string }, password: body.password };
}

/**
 * One app over a fresh in-memory PGlite (or the database `open` gives: a contract run on
 * Postgres) for the whole test file or describe block (a PGlite costs ~2 s to open). Call at
 * the top level or in a describe; the returned object is ready inside tests.
 */
export function useTestApp(env: Record<string, string> = {}, open: () => Promise<DatabaseHandle> = openTestPglite): TestApp {
  let handle: DatabaseHandle | undefined;
  let current: TestApp | undefined;
  beforeAll(async () => {
    handle = await open();
    current = buildTestApp(handle, env);
  });
  afterAll(async () => {
    await handle?.close();
  });
  return readyInsideTests('useTestApp()', () => current);
}

/**
 * A per-file fixture made in beforeAll, as an object usable from the top level: each field is
 * read from the fixture when a test touches it.
 */
export function readyInsideTests<T extends object>(name: string, current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_, key) {
      const fixture = current();
      if (!fixture) throw new Error(`${name} is ready only inside tests`);
      return Reflect.get(fixture, key);
    },
  });
}
