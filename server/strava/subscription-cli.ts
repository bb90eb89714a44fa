import { parseArgs } from 'node:util';
import { STRAVA_NOT_CONFIGURED, stravaConfigured } from './status.ts';
import { defaultCallbackUrl, manageSubscription, type SubscriptionAction, type SubscriptionResult } from './subscription.ts';
import { isStravaError } from './api/index.ts';
import { ConfigError, loadConfig } from '../lib/config.ts';
import { fail, operatorRoute } from '../db/open-for-cli.ts';

// `npm run strava:subscription -- create|view|delete [--callback-url URL] [--id ID]`: the app's
// one Strava push subscription (docs/STRAVA.md §Webhooks). `create` needs the server running and
// reachable at the callback URL (default PUBLIC_URL/api/strava/webhook): Strava calls it to
// validate before it answers. The id is recorded, so events for other subscriptions are ignored.

const USAGE = 'Usage: npm run strava:subscription -- create|view|delete [--callback-url URL] [--id ID]';
const ACTIONS: readonly SubscriptionAction[] = ['create', 'view', 'delete'];

function parse() {
  try {
    return parseArgs({ allowPositionals: true, options: { 'callback-url': { type: 'string' }, id: { type: 'string' } } });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
}
const parsed = parse();
const action = parsed.positionals[0] as SubscriptionAction | undefined;
if (!action || !ACTIONS.includes(action) || parsed.positionals.length > 1) fail(USAGE);
const callbackUrl = parsed.values['callback-url'];
const id = parsed.values.id;
if (callbackUrl !== undefined && (!/^https?:\/\//.test(callbackUrl) || callbackUrl.length > 255))
  fail('--callback-url must be an http(s) URL of at most 255 characters.');
if (id !== undefined && !/^\d{1,20}$/.test(id)) fail('--id must be a subscription id (digits).');

// Checked before opening anything: without credentials there is nothing to do.
try {
  if (!stravaConfigured(loadConfig(process.env))) fail(STRAVA_NOT_CONFIGURED);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  fail(error.message);
}
const route = await operatorRoute();
let result: SubscriptionResult | undefined;
let problem: string | undefined;
if (route.kind === 'server') {
  result = (await route.call('/strava/subscription', {
    action,
    ...(callbackUrl ? { callback_url: callbackUrl } : {}),
    ...(id ? { id } : {}),
  })) as SubscriptionResult;
} else {
  try {
    result = await manageSubscription(route.db, route.config, action, { callbackUrl, id, now: new Date() });
  } catch (error) {
    // The error names the failed call and Strava's field codes, never the client secret.
    problem = isStravaError(error) ? `Strava refused (${error.code}: ${error.message}) ${JSON.stringify(error.stravaErrors ?? [])}` : String(error);
  } finally {
    await route.done();
  }
}
if (!result) fail(problem ?? 'The command did not complete.');

if (action === 'create') {
  console.log(`Created subscription ${result.recorded} → ${callbackUrl ?? defaultCallbackUrl(route.config)}`);
} else if (action === 'view') {
  if (result.subscriptions.length === 0) console.log('No Strava push subscription. Create one with: npm run strava:subscription -- create');
  for (const s of result.subscriptions) console.log(`Subscription ${s.id} → ${s.callback_url ?? '(no callback url)'}`);
} else {
  console.log(result.subscriptions.length ? `Deleted subscription ${result.subscriptions[0]!.id}` : 'No subscription to delete.');
}
