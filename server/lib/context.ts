import type { Config } from './config.ts';
import type { Database, DatabaseKind } from '../db/database.ts';
import type { UserRow } from '../domain/accounts.ts';
import type { Jobs } from '../jobs/queue.ts';

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

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Hono's per-request variables. */
export interface AppEnv {
  Variables: {
    user: UserRow | null;
    sessionTokenHash: string | null;
  };
}

/** A logger that writes one JSON line per event to stderr. */
export function jsonLogger(): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/** A logger that keeps lines in memory, for tests that assert nothing secret is logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push(JSON.stringify({ level, message, ...fields }));
  return { lines, info: write('info'), warn: write('warn'), error: write('error') };
}
