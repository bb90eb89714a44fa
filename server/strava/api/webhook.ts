import { z } from 'zod';
import { safeEqual } from '../../lib/crypto.ts';
import { parseStravaJson } from './json.ts';

// Webhook events (docs/STRAVA.md §Webhooks). Parse the request body as text with parseStravaEvent,
// not with c.req.json(): ids are 64-bit and JSON.parse would round them.

// An id arrives as a JSON integer; after parseStravaJson it is a string of digits. A number is
// accepted only when it is safe, i.e. when it was not rounded on the way in.
const IdSchema = z.union([
  z.string().regex(/^\d{1,20}$/),
  z.number().int().nonnegative().refine(Number.isSafeInteger, 'id beyond 2^53 was rounded: parse with parseStravaJson').transform(String),
]);

// Strava documents `updates` values as strings ("true"/"false"); stringify other scalars
// rather than refuse an event over a type quirk.
const UpdateValue = z.union([z.string(), z.number().transform(String), z.boolean().transform(String)]);

/** A Strava push event, ids as strings. */
export const StravaWebhookEventSchema = z.object({
  object_type: z.enum(['activity', 'athlete']),
  object_id: IdSchema,
  aspect_type: z.enum(['create', 'update', 'delete']),
  updates: z.record(z.string(), UpdateValue).default({}),
  owner_id: IdSchema,
  subscription_id: IdSchema,
  // Epoch seconds; a plain number (not an id), so parseStravaJson leaves it one.
  event_time: z.number().int().nonnegative(),
});
export type StravaWebhookEvent = z.infer<typeof StravaWebhookEventSchema>;

const MAX_EVENT_BYTES = 16 * 1024;

/** Parses a webhook request body; returns null when it is not JSON or not a Strava event (or over 16 KB). */
export function parseStravaEvent(body: string): StravaWebhookEvent | null {
  // A real event is a few hundred bytes; anything far larger is not from Strava.
  if (body.length > MAX_EVENT_BYTES) return null;
  let value: unknown;
  try {
    value = parseStravaJson(body);
  } catch {
    return null;
  }
  const parsed = StravaWebhookEventSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The key events are deduplicated on: Strava repeats events (docs/STRAVA.md §Webhooks). */
export function dedupeKey(event: StravaWebhookEvent): string {
  return `${event.subscription_id}:${event.object_id}:${event.aspect_type}:${event.event_time}`;
}

/** Whether the event says the athlete revoked our access (athlete update with authorized "false"). */
export function isDeauthorization(event: Pick<StravaWebhookEvent, 'object_type' | 'updates'>): boolean {
  return event.object_type === 'athlete' && event.updates.authorized === 'false';
}

/**
 * The answer to Strava's subscription validation GET: `{"hub.challenge": X}` when mode is
 * "subscribe" and the verify token matches (compared in constant time), else null (answer 403).
 */
export function webhookChallenge(query: URLSearchParams, verifyToken: string): { 'hub.challenge': string } | null {
  const challenge = query.get('hub.challenge');
  const token = query.get('hub.verify_token');
  if (query.get('hub.mode') !== 'subscribe' || challenge === null || token === null) return null;
  return safeEqual(token, verifyToken) ? { 'hub.challenge': challenge } : null;
}
