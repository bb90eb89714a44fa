// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { wordsFor } from '#shared/errors/registry.ts';
import type { UserDb } from './data/db.ts';
import { mutate, MutationInvalidError } from './data/mutations.ts';
import { openFreshUserDb } from './data/test-kit.ts';
import { CodedError, describeError, errorCode, errorFromAnswer, fieldErrors, formErrors } from './errors.ts';
import { syncError } from './sync/status.ts';

const USER = '00000000-0000-4000-8000-000000000001';

describe('errorFromAnswer: an HTTP answer as a CodedError', () => {
  it('keeps the server’s code, words and issues', () => {
    const error = errorFromAnswer(429, { error: { code: 'sync_too_soon', message: 'Try again in 3 minutes.', retry_after_seconds: 180 } });
    expect(error).toBeInstanceOf(CodedError);
    expect(error).toMatchObject({ code: 'sync_too_soon', status: 429, message: 'Try again in 3 minutes.', issues: [] });
    expect(
      errorFromAnswer(400, { error: { code: 'validation_failed', message: 'Not valid.', issues: [{ path: 'email', message: 'is not an e-mail address' }] } })
        .issues,
    ).toEqual([{ path: 'email', message: 'is not an e-mail address' }]);
  });

  it('makes a code this build does not know, or an answer that is not our envelope, an http_error', () => {
    expect(errorFromAnswer(409, { error: { code: 'a_newer_code', message: 'A newer server’s words.' } })).toMatchObject({
      code: 'http_error',
      status: 409,
      message: 'A newer server’s words.',
    });
    expect(errorFromAnswer(502, '<html>Bad gateway</html>')).toMatchObject({
      code: 'http_error',
      status: 502,
      message: `${wordsFor('http_error')} (HTTP 502)`,
    });
    expect(errorFromAnswer(500, null).code).toBe('http_error');
  });
});

describe('describeError: the words every screen shows', () => {
  it('shows the message a coded failure came with, else its code’s words', () => {
    expect(describeError(new CodedError('offline'))).toBe(wordsFor('offline'));
    expect(describeError(errorFromAnswer(403, { error: { code: 'password_mismatch', message: 'That password is not right.' } }))).toBe(
      'That password is not right.',
    );
    expect(describeError(syncError('update_required'))).toBe(wordsFor('update_required'));
    // The chat stream's error event, and the Strava card's last problem (a code and a time, no words).
    expect(describeError({ type: 'error', code: 'coach_unavailable', message: 'The coach is busy.', retryable: true, status: 503, stored_message: null })).toBe(
      'The coach is busy.',
    );
    expect(describeError({ code: 'strava_rate_limited', at: '2026-03-02T07:00:00Z' })).toBe(wordsFor('strava_rate_limited'));
    expect(describeError({ code: 'a_newer_code' })).toBe(wordsFor('http_error'));
  });

  it('puts a failure that is not ours in our words, keeping its own in brackets', () => {
    expect(describeError(new Error('QuotaExceededError'))).toBe(`${wordsFor('device_error')} (QuotaExceededError)`);
    expect(describeError('a string')).toBe(wordsFor('device_error'));
    expect(describeError(undefined)).toBe(wordsFor('device_error'));
  });

  it('adds what the device knows after the words', () => {
    expect(describeError(new CodedError('fit_unreadable', { detail: 'no session' }))).toBe(`${wordsFor('fit_unreadable')} (no session)`);
  });
});

describe('a refusal in a runner’s words (issue 18 §8)', () => {
  it('names the field as the runner knows it and says the rule plainly, never a path or zod’s phrasing', async () => {
    const db = await openFreshUserDb(USER, () => Date.parse('2026-03-02T07:00:00Z'));
    try {
      const refusal: unknown = await mutate(db, 'profile.update', { set: { current_weekly_mileage_miles: -3 } }).catch((error: unknown) => error);
      const words = describeError(refusal);
      expect(words).toContain('Weekly distance must be 0 or more.');
      expect(words).not.toMatch(/profile\.update|set\.|_miles|Too small|expected/);
    } finally {
      db.close();
    }
    const server = errorFromAnswer(400, {
      error: { code: 'validation_failed', message: 'The request is not valid.', issues: [{ path: 'target_race_date', message: 'is required' }] },
    });
    expect(describeError(server)).toBe('The request is not valid. Race date is needed.');
    expect(fieldErrors(server)).toEqual({ target_race_date: 'is needed' });
    // A km runner reads the schema's miles bound in km (issue 18 §7).
    const tooMuch = errorFromAnswer(400, {
      error: {
        code: 'validation_failed',
        message: 'The request is not valid.',
        issues: [{ path: 'current_weekly_mileage_miles', message: 'must be at most 250 miles a week' }],
      },
    });
    expect(describeError(tooMuch, { unit: 'km' })).toBe('The request is not valid. Weekly distance must be at most 402 km a week.');
    expect(fieldErrors(tooMuch, 'last', 'km')).toEqual({ current_weekly_mileage_miles: 'must be at most 402 km a week' });
    expect(describeError(tooMuch, { unit: 'mi' })).not.toMatch(/km/);
  });
});

describe('errorCode: branching on a failure', () => {
  it('answers a registered code or null', () => {
    expect(errorCode(new CodedError('coach_not_configured', { status: 503 }))).toBe('coach_not_configured');
    expect(errorCode(syncError('offline'))).toBe('offline');
    expect(errorCode({ code: 'a_newer_code' })).toBeNull();
    expect(errorCode({ code: 'constructor' })).toBeNull();
    expect(errorCode(new Error('offline'))).toBeNull();
    expect(errorCode(null)).toBeNull();
  });
});

describe('forms', () => {
  const refused = errorFromAnswer(400, {
    error: {
      code: 'validation_failed',
      message: 'The request is not valid.',
      issues: [
        { path: 'goal.title', message: 'is empty' },
        { path: 'goal.title', message: 'is too short' },
        { path: 'email', message: 'is not an e-mail address' },
      ],
    },
  });

  it('puts each field’s first issue at the field, and no general message then', () => {
    expect(formErrors(refused)).toEqual({ fields: { goal: 'is empty', email: 'is not an e-mail address' }, general: null });
    expect(fieldErrors(refused, 'last')).toEqual({ title: 'is empty', email: 'is not an e-mail address' });
  });

  it('gives the general words when no field is named', () => {
    expect(formErrors(errorFromAnswer(401, { error: { code: 'invalid_credentials', message: wordsFor('invalid_credentials') } }))).toEqual({
      fields: {},
      general: wordsFor('invalid_credentials'),
    });
    expect(formErrors(new TypeError('boom'))).toEqual({ fields: {}, general: `${wordsFor('device_error')} (boom)` });
  });
});

describe('a change the device refuses', () => {
  let db: UserDb;
  afterEach(() => db.close());

  it('is a CodedError (invalid_change) whose words name each problem', async () => {
    db = await openFreshUserDb(USER, () => Date.parse('2026-03-02T07:00:00Z'));
    const refusal: unknown = await mutate(db, 'chat.send', { id: '00000000-0000-4000-8000-0000000000c1', content: '   ' }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(MutationInvalidError);
    expect(refusal).toBeInstanceOf(CodedError);
    expect(errorCode(refusal)).toBe('invalid_change');
    // A sentence naming the field, not the schema's path in brackets (issue 18 §8).
    expect(describeError(refusal)).toMatch(new RegExp(`^${wordsFor('invalid_change')} Content .+\\.$`));
    expect(Object.keys(fieldErrors(refusal))).toEqual(['content']);
  });
});
