import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStravaStandin, type StravaStandin } from '../../test/strava-standin.ts';
import { StravaError } from './errors.ts';
import { createSubscription, deleteSubscription, viewSubscriptions, type StravaSubscriptionConfig } from './subscriptions.ts';
import { parseStravaEvent, webhookChallenge, type StravaWebhookEvent } from './webhook.ts';

const VERIFY_TOKEN = 'verify-token-1';
let standin: StravaStandin;
let config: StravaSubscriptionConfig;
let callback: Server;
let callbackUrl: string;
let received: (StravaWebhookEvent | null)[];

// A minimal webhook endpoint built on our own helpers, as the route will be.
function startCallback(): Promise<void> {
  received = [];
  callback = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET') {
      const answer = webhookChallenge(url.searchParams, VERIFY_TOKEN);
      res.writeHead(answer ? 200 : 403, { 'content-type': 'application/json' }).end(JSON.stringify(answer ?? {}));
      return;
    }
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push(parseStravaEvent(body));
      res.writeHead(200).end();
    });
  });
  return new Promise((resolve) => callback.listen(0, '127.0.0.1', resolve));
}

async function caught(promise: Promise<unknown>): Promise<StravaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StravaError);
  return error as StravaError;
}

describe('Strava push subscriptions', () => {
  beforeEach(async () => {
    standin = await startStravaStandin();
    config = { clientId: standin.clientId, clientSecret: standin.clientSecret, apiUrl: standin.apiUrl };
    await startCallback();
    callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/api/strava/webhook`;
  });
  afterEach(async () => {
    await standin.close();
    callback.closeAllConnections();
    await new Promise((resolve) => callback.close(resolve));
  });

  it('creates (form POST with client credentials, callback validated), views and deletes', async () => {
    const { id } = await createSubscription({ config, callbackUrl, verifyToken: VERIFY_TOKEN });
    expect(id).toMatch(/^\d+$/);
    const create = standin.state.requests.find((r) => r.method === 'POST')!;
    expect(create.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(create.form).toEqual({ client_id: standin.clientId, client_secret: standin.clientSecret, callback_url: callbackUrl, verify_token: VERIFY_TOKEN });

    const listed = await viewSubscriptions({ config });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id, callback_url: callbackUrl });

    await deleteSubscription({ config, id });
    expect(await viewSubscriptions({ config })).toEqual([]);
    expect((await caught(deleteSubscription({ config, id }))).kind).toBe('not_found');
  });

  it('delivers events to the callback with ids intact', async () => {
    await createSubscription({ config, callbackUrl, verifyToken: VERIFY_TOKEN });
    const status = await standin.pushEvent({
      aspect_type: 'create',
      event_time: 1549560669,
      object_id: '18014398509481985',
      object_type: 'activity',
      owner_id: standin.athleteId,
      subscription_id: '120475',
      updates: {},
    });
    expect(status).toBe(200);
    expect(received[0]).toMatchObject({ object_id: '18014398509481985', owner_id: standin.athleteId });
  });

  it('fails when the callback does not answer the challenge (wrong verify token)', async () => {
    const error = await caught(createSubscription({ config, callbackUrl, verifyToken: 'not-what-the-callback-expects' }));
    expect(error.kind).toBe('bad_request');
    expect(error.stravaErrors).toEqual([{ resource: 'PushSubscription', field: 'callback url', code: 'GET to callback URL does not return 200' }]);
  });

  it('refuses a second subscription, a callback URL over 255 characters, and missing credentials', async () => {
    await createSubscription({ config, callbackUrl, verifyToken: VERIFY_TOKEN });
    expect((await caught(createSubscription({ config, callbackUrl, verifyToken: VERIFY_TOKEN }))).kind).toBe('bad_request');
    const requests = standin.state.requests.length;
    await expect(createSubscription({ config, callbackUrl: `https://example.com/${'x'.repeat(236)}`, verifyToken: VERIFY_TOKEN })).rejects.toThrow(RangeError);
    expect((await caught(viewSubscriptions({ config: { ...config, clientSecret: undefined } }))).kind).toBe('not_configured');
    expect(standin.state.requests).toHaveLength(requests);
    // Wrong secret: Strava refuses; the secret never appears in what we would log.
    const error = await caught(viewSubscriptions({ config: { ...config, clientSecret: 'wrong-secret' } }));
    expect(JSON.stringify(error.toLogFields()) + error.message).not.toContain('wrong-secret');
  });
});
