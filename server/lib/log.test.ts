import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonLogger, safeLogFields } from './log.ts';

// Issue 15, M5: log calls elsewhere still pass an error's message along ("job queue error",
// "coach reply failed" …); the production logger withholds database-error text and cuts long
// values, so neither query parameters nor a request body reach the log.

afterEach(() => vi.restoreAllMocks());

const DRIZZLE_MESSAGE =
  'Failed query: insert into "users" ("email", "password_hash") values ($1, $2)\nparams: runner@example.com,$scrypt$N=16384$c2FsdA$aGFzaA';

describe('the JSON logger', () => {
  it('withholds database-error text and cuts long values, nested ones too', () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk));
      return true;
    });
    const log = jsonLogger();
    log.error('job queue error', { error: DRIZZLE_MESSAGE, nested: { cause: 'duplicate key value violates unique constraint "users_email_unique"' } });
    log.warn('coach reply failed', { body: 'x'.repeat(437 * 1024), error: new Error(DRIZZLE_MESSAGE) });
    expect(writes).toHaveLength(2);
    const all = writes.join('');
    for (const leak of ['runner@example.com', '$scrypt$', 'Failed query', 'params:', 'users_email_unique']) expect(all, leak).not.toContain(leak);
    expect(JSON.parse(writes[0]!)).toMatchObject({
      level: 'error',
      message: 'job queue error',
      error: '[database error text withheld]',
      nested: { cause: '[database error text withheld]' },
    });
    expect(writes[1]!.length).toBeLessThan(2000);
    expect(JSON.parse(writes[1]!).error).toEqual({ error_class: 'Error' });
  });

  it('leaves ordinary fields as they are', () => {
    expect(safeLogFields({ queue: 'strava.event', job: 'j1', attempt: 2, ok: true, outcome: 'processed', list: [1, 'a'] })).toEqual({
      queue: 'strava.event',
      job: 'j1',
      attempt: 2,
      ok: true,
      outcome: 'processed',
      list: [1, 'a'],
    });
    expect(safeLogFields(undefined)).toEqual({});
  });
});
