// The Strava integration's public surface (docs/STRAVA.md). Everything takes config and transport
// options as arguments; nothing here holds state or talks to the database.
export * from './activity.ts';
export * from './client.ts';
export * from './errors.ts';
export { DEFAULT_TIMEOUT_MS, type StravaHttpOptions } from './http.ts';
export { parseStravaJson } from './json.ts';
export * from './oauth.ts';
export * from './rate-limit.ts';
export * from './subscriptions.ts';
export * from './webhook.ts';
