import type { Context } from 'hono';
import type { Database, DatabaseKind } from './db/database.ts';
import type { UserRow } from './db/schema.ts';
import type { Jobs } from './jobs/queue.ts';
import type { Config } from './lib/config.ts';
import { AppError } from './lib/errors.ts';
import type { Logger } from './lib/log.ts';

/** Everything the app needs from outside; tests build it on in-memory PGlite and a fake clock. */
export interface AppDeps {
  db: Database;
  dbKind: DatabaseKind;
  config: Config;
  now: () => Date;
  log: Logger;
  /** The job queue (pg-boss); absent when the app runs without one (most API tests). */
  jobs?: Jobs;
}

/** Hono's per-request variables. */
export interface AppEnv {
  Variables: {
    user: UserRow | null;
    sessionTokenHash: string | null;
    /** This request's id: in the X-Request-Id header, a 500's body and every log line about it. */
    requestId: string;
  };
}

/** The signed-in user, or a 401: every feature's routes start here (the session middleware sets it). */
export function requireUser(c: Context<AppEnv>): UserRow {
  const user = c.get('user');
  if (!user) throw AppError.unauthenticated();
  return user;
}
