import { describe, expect, it } from 'vitest';
import { SERVER_ERRORS } from './codes.ts';
import { DEVICE_ERRORS } from './device.ts';
import { ErrorEnvelopeSchema, StreamErrorSchema } from './envelope.ts';
import { isErrorCode, isKnownErrorCode, statusFor, wordsFor } from './registry.ts';

const server = Object.entries(SERVER_ERRORS);
const device = Object.entries(DEVICE_ERRORS);

describe('the error registry', () => {
  it.each(server)('%s answers with an HTTP error status', (_code, entry) => {
    expect(Number.isInteger(entry.status)).toBe(true);
    expect(entry.status).toBeGreaterThanOrEqual(400);
    expect(entry.status).toBeLessThan(600);
  });

  it.each(device)('%s is no HTTP answer (status 0)', (_code, entry) => {
    expect(entry.status).toBe(0);
  });

  it.each([...server, ...device])('%s has words a runner can read: sentences, no code names', (code, entry) => {
    expect(entry.words.trim()).toBe(entry.words);
    expect(entry.words).toMatch(/^[A-Z].*[.!?)]$/s);
    // Words that quote a code (`coach_budget_spent`) are a developer's, not a runner's.
    expect(entry.words).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
    expect(wordsFor(code as keyof typeof SERVER_ERRORS)).toBe(entry.words);
  });

  it('keeps the server’s and the device’s codes apart, in snake_case', () => {
    const deviceCodes = new Set(device.map(([code]) => code));
    expect(server.map(([code]) => code).filter((code) => deviceCodes.has(code))).toEqual([]);
    for (const [code] of [...server, ...device]) expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
  });

  it('knows its own codes only, never an object’s inherited keys', () => {
    expect(isErrorCode('id_taken')).toBe(true);
    expect(isErrorCode('offline')).toBe(false);
    expect(isKnownErrorCode('offline')).toBe(true);
    for (const stranger of ['constructor', 'toString', '__proto__', 'no_such_code', '', 42, null]) {
      expect(isErrorCode(stranger)).toBe(false);
      expect(isKnownErrorCode(stranger)).toBe(false);
    }
    expect(statusFor('sync_too_soon')).toBe(429);
    expect(statusFor('strava_timeout')).toBe(504);
  });
});

describe('the wire’s error shape', () => {
  it('parses the envelope and the chat stream’s error event, codes it does not know included', () => {
    expect(ErrorEnvelopeSchema.parse({ error: { code: 'a_newer_code', message: 'Words.', expected: 3 } })).toEqual({
      error: { code: 'a_newer_code', message: 'Words.' },
    });
    expect(ErrorEnvelopeSchema.safeParse({ error: { code: 'id_taken' } }).success).toBe(false);
    expect(ErrorEnvelopeSchema.safeParse('<html>').success).toBe(false);
    const event = { code: 'coach_unavailable', message: wordsFor('coach_unavailable'), retryable: true, status: 503, stored_message: null };
    expect(StreamErrorSchema.parse(event)).toEqual(event);
    expect(StreamErrorSchema.safeParse({ ...event, retryable: 'yes' }).success).toBe(false);
  });
});
