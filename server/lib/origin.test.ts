import { describe, expect, it } from 'vitest';
import { PUBLIC_URL, signUp, useTestApp } from '../test/harness.ts';
import { allowedOrigins } from './origin.ts';

// Issue 15, I1: the cross-site check took the request's own origin from the Host header, which
// the sender writes: a page on evil.example reaching the server under that name passed it.

const t = useTestApp();

async function changeProfile(url: string, origin: string, cookie: string): Promise<number> {
  const res = await t.app.request(
    new Request(url, { method: 'PUT', headers: { origin, cookie, 'content-type': 'application/json' }, body: JSON.stringify({ units: 'km' }) }),
  );
  return res.status;
}

describe('where changes may come from', () => {
  it('refuses an origin that only the Host header vouches for', async () => {
    const { cookie } = await signUp(t);
    expect(await changeProfile('http://evil.example/api/profile', 'http://evil.example', cookie)).toBe(403);
    expect(await changeProfile('http://localhost:8788/api/profile', 'http://localhost:8788', cookie)).toBe(403);
  });

  it("accepts PUBLIC_URL's origin and, for a loopback PUBLIC_URL, its other loopback spellings", async () => {
    const { cookie } = await signUp(t);
    expect(await changeProfile(`${PUBLIC_URL}/api/profile`, PUBLIC_URL, cookie)).toBe(200);
    expect(await changeProfile('http://127.0.0.1:8787/api/profile', 'http://127.0.0.1:8787', cookie)).toBe(200);
    expect([...allowedOrigins('https://coach.example.com')]).toEqual(['https://coach.example.com']);
    expect(allowedOrigins('http://localhost:8787')).toEqual(new Set(['http://localhost:8787', 'http://127.0.0.1:8787', 'http://[::1]:8787']));
  });
});
