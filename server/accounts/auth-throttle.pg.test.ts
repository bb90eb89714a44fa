import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/database.ts';
import { createInvite } from './users.ts';
import { openTestPostgres } from '../test/databases.ts';
import { buildTestApp, PUBLIC_URL, type TestApp } from '../test/harness.ts';
import { postgresUrl } from '../test/requirements.ts';

// The sign-in throttle on real Postgres, where requests run on several pooled connections at
// once and two instances share the database: the counted-before-checking upsert must still let
// at most the limit through (issue 15, M2).

const url = postgresUrl('postgres auth throttle');
const suite = url ? describe : describe.skip;

const PASSWORD = 'the right password';

suite('sign-in throttle on Postgres', () => {
  let handle: DatabaseHandle;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    handle = await openTestPostgres(url!);
    a = buildTestApp(handle);
    b = buildTestApp(handle);
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function login(app: TestApp, ip: string, email: string, password: string): Promise<number> {
    const response = await app.app.request(
      '/api/auth/login',
      { method: 'POST', headers: { origin: PUBLIC_URL, 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) },
      { incoming: { socket: { remoteAddress: ip } } },
    );
    return response.status;
  }

  const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((out, s) => ({ ...out, [s]: (out[s] ?? 0) + 1 }), {});

  it('lets at most 5 of 40 concurrent sign-ins to one account (39 wrong, then the right one) over two instances be checked', async () => {
    const { code } = await createInvite(a.deps.db, { now: a.clock.now() });
    const email = 'raced@example.com';
    const res = await a.app.request('/api/auth/register', {
      method: 'POST',
      headers: { origin: PUBLIC_URL, 'content-type': 'application/json' },
      body: JSON.stringify({ invite_code: code, name: 'Raced', email, password: PASSWORD }),
    });
    expect(res.status).toBe(201);
    const statuses = tally(
      await Promise.all(Array.from({ length: 40 }, (_, i) => login(i % 2 ? b : a, '198.51.100.1', email, i < 39 ? `wrong password ${i}` : PASSWORD))),
    );
    expect((statuses[401] ?? 0) + (statuses[200] ?? 0)).toBeLessThanOrEqual(5);
    expect(statuses[429]).toBeGreaterThanOrEqual(35);
  });

  it('lets at most 20 of 40 concurrent sign-ins spraying 40 accounts from one address through', async () => {
    const statuses = tally(
      await Promise.all(Array.from({ length: 40 }, (_, i) => login(i % 2 ? b : a, '198.51.100.2', `spray-${i}@example.com`, 'guess guess'))),
    );
    expect(statuses[401]).toBeLessThanOrEqual(20);
    expect(statuses[429]).toBeGreaterThanOrEqual(20);
  });
});
