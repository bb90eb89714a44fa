import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { stravaEvents, stravaSettings } from '../db/schema.ts';
import { createInvite, registerUser } from '../accounts/users.ts';
import { saveConnection } from './tokens.ts';
import { FAST_JOBS, waitFor } from './test-kit.ts';
import { loadConfig } from '../lib/config.ts';
import { memoryLogger } from '../lib/log.ts';
import { startServer, type RunningServer } from '../server.ts';
import { readStravaFixture, startStravaStandin, type StravaStandin } from '../test/strava-standin.ts';

// `npm run strava:subscription -- create|view|delete` as an operator types it, against a running
// server on PGlite (the command goes through its loopback admin endpoint) and the Strava stand-in,
// which validates the callback and then delivers events to it.

const run = promisify(execFile);
let standin: StravaStandin;
let server: RunningServer | undefined;
beforeAll(async () => {
  standin = await startStravaStandin();
});
afterAll(async () => {
  await server?.close();
  await standin.close();
});

const stravaEnv = () => ({
  STRAVA_CLIENT_ID: standin.clientId,
  STRAVA_CLIENT_SECRET: standin.clientSecret,
  STRAVA_OAUTH_URL: standin.oauthUrl,
  STRAVA_API_URL: standin.apiUrl,
});

async function command(dataDir: string, extraEnv: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'server/strava/subscription-cli.ts', ...args], {
      env: { ...process.env, DATA_DIR: dataDir, ...extraEnv },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run strava:subscription', () => {
  it('creates, views and deletes the subscription through the running server, which then gets the events', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-subscription-'));
    const config = loadConfig({ DATA_DIR: dataDir, ...stravaEnv() });
    const handle = await openDatabase({ dataDir });
    const now = new Date();
    const user = await registerUser(
      handle.db,
      { invite_code: (await createInvite(handle.db, { now })).code, name: 'Op', email: 'op@example.com', password: 'long enough password' },
      now,
    );
    const tokens = standin.issueTokens();
    await saveConnection(
      handle.db,
      config.tokenEncryptionKey,
      user.id,
      { ...tokens, expiresAt: new Date(now.getTime() + 6 * 3600_000), athleteId: standin.athleteId, athlete: { id: standin.athleteId } },
      'read,activity:read_all',
      now,
    );
    await handle.close();

    server = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0', ...stravaEnv() }), { host: '127.0.0.1', log: memoryLogger(), jobs: FAST_JOBS });
    const callback = `${server.url}/api/strava/webhook`;
    const created = await command(dataDir, stravaEnv(), 'create', '--callback-url', callback);
    expect(created.stderr).toBe('');
    const id = /Created subscription (\d+)/.exec(created.stdout)?.[1];
    expect(id).toBe(standin.state.subscriptions[0]!.id);
    expect((await server.deps.db.select().from(stravaSettings))[0]).toMatchObject({ subscription_id: id, callback_url: callback });
    expect((await command(dataDir, stravaEnv(), 'view')).stdout).toContain(`Subscription ${id} → ${callback}`);

    // Strava delivers to the callback: the event names our subscription and our runner.
    standin.putActivity('18000000000000990', readStravaFixture('activity_detailed_run.json').replace('"id": 1946417534', '"id": 18000000000000990'));
    const event = {
      aspect_type: 'create',
      event_time: 1_773_000_000,
      object_id: '18000000000000990',
      object_type: 'activity',
      owner_id: standin.athleteId,
      subscription_id: id,
      updates: {},
    };
    expect(await standin.pushEvent(event)).toBe(200);
    const db = server.deps.db;
    await waitFor(
      async () => (await db.select().from(stravaEvents).where(eq(stravaEvents.user_id, user.id)))[0]?.status === 'processed',
      15_000,
      'the delivered event',
    );

    expect((await command(dataDir, stravaEnv(), 'delete')).stdout).toContain(`Deleted subscription ${id}`);
    expect(standin.state.subscriptions).toHaveLength(0);
    expect((await db.select().from(stravaSettings))[0]?.subscription_id).toBeNull();
  });

  it('says how to configure Strava when it is not, and how to call it when the action is wrong', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-subscription-'));
    const bare = await command(dataDir, {}, 'view');
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/STRAVA_CLIENT_ID/);
    const wrong = await command(dataDir, stravaEnv(), 'frobnicate');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/create\|view\|delete/);
    // Without a running server the command opens the database itself.
    expect((await command(dataDir, stravaEnv(), 'view')).stdout).toMatch(/No Strava push subscription/);
  });
});
