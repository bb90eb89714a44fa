import { writeFileSync } from 'node:fs';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.ts';
import { buildTestApp, call } from '../test/harness.ts';
import { databaseTrouble } from './errors.ts';

// A database that is away or full is the operator's trouble, not the runner's mistake nor a bug:
// 503 with Retry-After or 507, never "something went wrong". The errors here are real ones.

/** What a real failed call throws. */
function thrownBy(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

// Nothing listens on port 1 of loopback: every connection is refused.
const unreachable = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 2000 });
afterAll(() => unreachable.end());

describe('database trouble', () => {
  it('maps a full disk to 507 and a refused connection to 503, and nothing else', async () => {
    const full = thrownBy(() => writeFileSync('/dev/full', 'x'));
    expect(databaseTrouble(full)).toMatchObject({ status: 507, code: 'storage_full' });
    expect(databaseTrouble(new Error('query failed', { cause: full }))).toMatchObject({ status: 507 });
    const refused = await unreachable.query('select 1').then(
      () => null,
      (error: Error) => error,
    );
    expect(databaseTrouble(refused)).toMatchObject({ status: 503, code: 'database_unavailable', headers: { 'Retry-After': '5' } });
    expect(databaseTrouble(new Error('duplicate key value violates unique constraint'))).toBeNull();
    expect(databaseTrouble('not an error')).toBeNull();
  });

  it('answers 503 with Retry-After when the database cannot be reached', async () => {
    const { app } = buildTestApp({ db: drizzle(unreachable) as unknown as Database, kind: 'postgres' });
    const res = await call(app, 'POST', '/api/auth/login', { body: { email: 'runner@example.com', password: 'long enough password' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.json.error.code).toBe('database_unavailable');
  });
});
