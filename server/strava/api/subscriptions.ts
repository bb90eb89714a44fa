import { z } from 'zod';
import type { Config } from '../../lib/config.ts';
import { StravaError } from './errors.ts';
import { readJson, stravaRequest, type StravaHttpOptions } from './http.ts';

// The app's one push subscription (docs/STRAVA.md §Webhooks), for an operator command. These calls
// authenticate with client_id/client_secret; for view and delete Strava wants them in the query
// string, so URLs here are never logged (errors carry only the operation template).

export type StravaSubscriptionConfig = Pick<Config['strava'], 'clientId' | 'clientSecret' | 'apiUrl'>;
type Options = StravaHttpOptions & { config: StravaSubscriptionConfig };

/** Strava refuses callback URLs longer than this. */
export const MAX_CALLBACK_URL_LENGTH = 255;

const SubscriptionSchema = z.looseObject({
  id: z.string().regex(/^\d+$/),
  callback_url: z.string().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});
/** A push subscription as Strava lists it; `id` is a string. */
export type StravaSubscription = z.infer<typeof SubscriptionSchema>;

function credentials(config: StravaSubscriptionConfig): { client_id: string; client_secret: string } {
  if (!config.clientId || !config.clientSecret) throw new StravaError('not_configured', { operation: 'push_subscriptions' });
  return { client_id: config.clientId, client_secret: config.clientSecret };
}

/**
 * Creates the subscription (form POST {apiUrl}/push_subscriptions). Strava validates the callback
 * with a GET before it answers, so our server must already be serving the webhook route.
 */
export async function createSubscription(options: Options & { callbackUrl: string; verifyToken: string }): Promise<{ id: string }> {
  if (options.callbackUrl.length > MAX_CALLBACK_URL_LENGTH) throw new RangeError(`callback_url must be at most ${MAX_CALLBACK_URL_LENGTH} characters.`);
  const operation = 'POST /push_subscriptions';
  const response = await stravaRequest(options, {
    method: 'POST',
    url: `${options.config.apiUrl}/push_subscriptions`,
    operation,
    form: { ...credentials(options.config), callback_url: options.callbackUrl, verify_token: options.verifyToken },
  });
  const parsed = z.object({ id: z.string().regex(/^\d+$/) }).safeParse(readJson(response, operation));
  if (!parsed.success) throw new StravaError('invalid_response', { httpStatus: response.status, operation });
  return { id: parsed.data.id };
}

/** Lists the app's subscriptions (at most one): GET {apiUrl}/push_subscriptions. */
export async function viewSubscriptions(options: Options): Promise<StravaSubscription[]> {
  const operation = 'GET /push_subscriptions';
  const query = new URLSearchParams(credentials(options.config));
  const response = await stravaRequest(options, { method: 'GET', url: `${options.config.apiUrl}/push_subscriptions?${query.toString()}`, operation });
  const parsed = z.array(SubscriptionSchema).safeParse(readJson(response, operation));
  if (!parsed.success) throw new StravaError('invalid_response', { httpStatus: response.status, operation });
  return parsed.data;
}

/** Deletes a subscription: DELETE {apiUrl}/push_subscriptions/{id} (Strava answers 204). */
export async function deleteSubscription(options: Options & { id: string }): Promise<void> {
  if (!/^\d{1,20}$/.test(options.id)) throw new RangeError('A subscription id is a string of digits.');
  const query = new URLSearchParams(credentials(options.config));
  await stravaRequest(options, {
    method: 'DELETE',
    url: `${options.config.apiUrl}/push_subscriptions/${options.id}?${query.toString()}`,
    operation: 'DELETE /push_subscriptions/{id}',
  });
}
