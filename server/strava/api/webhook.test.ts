import { describe, expect, it } from 'vitest';
import { dedupeKey, isDeauthorization, parseStravaEvent, StravaWebhookEventSchema, webhookChallenge } from './webhook.ts';

// As Strava sends them: ids as bare integers, `updates` values as strings.
const CREATE =
  '{"aspect_type":"create","event_time":1549560669,"object_id":18014398509481985,"object_type":"activity","owner_id":134815,"subscription_id":120475,"updates":{}}';
const UPDATE =
  '{"aspect_type":"update","event_time":1516126040,"object_id":1360128428,"object_type":"activity","owner_id":134815,"subscription_id":120475,"updates":{"title":"Messy","type":"Run","private":"true"}}';
const DEAUTH =
  '{"aspect_type":"update","event_time":1516126040,"object_id":134815,"object_type":"athlete","owner_id":134815,"subscription_id":120475,"updates":{"authorized":"false"}}';

describe('Strava webhook events', () => {
  it('parses an event with ids as exact strings', () => {
    expect(parseStravaEvent(CREATE)).toEqual({
      aspect_type: 'create',
      event_time: 1549560669,
      object_id: '18014398509481985',
      object_type: 'activity',
      owner_id: '134815',
      subscription_id: '120475',
      updates: {},
    });
    expect(parseStravaEvent(UPDATE)?.updates).toEqual({ title: 'Messy', type: 'Run', private: 'true' });
  });

  it('tolerates a missing `updates`, non-string update values and unknown fields', () => {
    const event = parseStravaEvent(
      '{"aspect_type":"delete","event_time":1,"object_id":2,"object_type":"activity","owner_id":3,"subscription_id":4,"extra":true}',
    );
    expect(event?.updates).toEqual({});
    expect(parseStravaEvent(UPDATE.replace('"private":"true"', '"private":true'))?.updates.private).toBe('true');
  });

  it('rejects what is not a Strava event', () => {
    expect(parseStravaEvent('not json')).toBeNull();
    expect(parseStravaEvent(CREATE.replace('"activity"', '"segment"'))).toBeNull();
    expect(parseStravaEvent(CREATE.replace('"create"', '"upsert"'))).toBeNull();
    expect(parseStravaEvent('{"aspect_type":"create"}')).toBeNull();
    expect(parseStravaEvent('[]')).toBeNull();
    expect(parseStravaEvent(CREATE.replace('"updates":{}', `"updates":{"title":"${'x'.repeat(17_000)}"}`))).toBeNull();
    // A JS number beyond 2^53 has already lost digits: refuse it rather than store a wrong id.
    expect(StravaWebhookEventSchema.safeParse({ ...JSON.parse(CREATE), object_id: 2 ** 60 }).success).toBe(false);
  });

  it('dedupes on subscription, object, aspect and event time', () => {
    const create = parseStravaEvent(CREATE)!;
    expect(dedupeKey(create)).toBe('120475:18014398509481985:create:1549560669');
    expect(dedupeKey(parseStravaEvent(CREATE)!)).toBe(dedupeKey(create));
    expect(dedupeKey({ ...create, aspect_type: 'update' })).not.toBe(dedupeKey(create));
    expect(dedupeKey({ ...create, event_time: create.event_time + 1 })).not.toBe(dedupeKey(create));
  });

  it('recognizes a deauthorization and nothing else', () => {
    expect(isDeauthorization(parseStravaEvent(DEAUTH)!)).toBe(true);
    expect(isDeauthorization(parseStravaEvent(UPDATE)!)).toBe(false);
    expect(isDeauthorization(parseStravaEvent(UPDATE.replace('"private":"true"', '"authorized":"false"'))!)).toBe(false);
    expect(isDeauthorization(parseStravaEvent(DEAUTH.replace('"false"', '"true"'))!)).toBe(false);
  });

  it('answers the subscription challenge only with the right verify token', () => {
    const query = (token: string, mode = 'subscribe') =>
      new URLSearchParams({ 'hub.mode': mode, 'hub.challenge': '15f7d1a91c1f40', 'hub.verify_token': token });
    expect(webhookChallenge(query('secret'), 'secret')).toEqual({ 'hub.challenge': '15f7d1a91c1f40' });
    expect(webhookChallenge(query('wrong'), 'secret')).toBeNull();
    expect(webhookChallenge(query('secret', 'unsubscribe'), 'secret')).toBeNull();
    expect(webhookChallenge(new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': 'secret' }), 'secret')).toBeNull();
  });
});
