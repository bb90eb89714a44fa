import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { stravaActivities, stravaEvents, stravaSettings } from '../db/schema.ts';
import { createInvite, registerUser } from '../accounts/users.ts';
import { saveConnection } from '../strava/tokens.ts';
import { loadConfig } from '../lib/config.ts';
import { memoryLogger } from '../lib/log.ts';
import { startServer, type RunningServer } from '../server.ts';
import { readStravaFixture, startStravaStandin, type StravaStandin } from '../test/strava-standin.ts';
import { eventJson, FAST_JOBS, TEST_SUBSCRIPTION_ID, waitFor } from '../strava/test-kit.ts';

// Jobs survive the server going away: webhook events acknowledged by one server process are
// processed exactly once by the next, after a clean shutdown and after a SIGKILL.

let standin: StravaStandin;
const servers: RunningServer[] = [];
const children: ChildProcess[] = [];
beforeAll(async () => {
  standin = await startStravaStandin();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.close()));
  await standin.close();
});

const ACTIVITIES = ['18000000000000701', '18000000000000702', '18000000000000703'];

function env(dataDir: string): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    PORT: '0',
    STRAVA_CLIENT_ID: standin.clientId,
    STRAVA_CLIENT_SECRET: standin.clientSecret,
    STRAVA_OAUTH_URL: standin.oauthUrl,
    STRAVA_API_URL: standin.apiUrl,
  };
}

/** A data directory with one runner connected to the stand-in's athlete. */
async function prepare(): Promise<{ dataDir: string; userId: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-restart-'));
  const config = loadConfig(env(dataDir));
  const handle = await openDatabase({ dataDir });
  const now = new Date();
  const { code } = await createInvite(handle.db, { now });
  const user = await registerUser(
    handle.db,
    { invite_code: code, name: 'Restart', email: `restart-${Date.now()}@example.com`, password: 'long enough password' },
    now,
  );
  const tokens = standin.issueTokens();
  // The subscription the operator command records: events naming no recorded one are refused.
  await handle.db.insert(stravaSettings).values({ id: 1, subscription_id: TEST_SUBSCRIPTION_ID });
  await saveConnection(
    handle.db,
    config.tokenEncryptionKey,
    user.id,
    { ...tokens, expiresAt: new Date(now.getTime() + 6 * 3600_000), athleteId: standin.athleteId, athlete: { id: standin.athleteId } },
    'read,activity:read_all',
    now,
  );
  await handle.close();
  for (const id of ACTIVITIES) standin.putActivity(id, readStravaFixture('activity_detailed_run.json').replace('"id": 1946417534', `"id": ${id}`));
  return { dataDir, userId: user.id };
}

/** Each event three times, all at once, as Strava's retries might arrive. */
async function pushEvents(url: string, time: number): Promise<void> {
  const bodies = ACTIVITIES.map((id, i) => eventJson({ aspect_type: 'create', object_id: id, owner_id: standin.athleteId, event_time: time + i }));
  const statuses = await Promise.all(
    [...bodies, ...bodies, ...bodies].map(
      async (body) => (await fetch(`${url}/api/strava/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status,
    ),
  );
  expect(statuses).toEqual(Array(9).fill(200));
}

async function expectProcessedOnce(server: RunningServer, userId: string, getsBefore: number): Promise<void> {
  const settled = async () => (await server.deps.db.select().from(stravaEvents).where(eq(stravaEvents.user_id, userId))).every((e) => e.status === 'processed');
  await waitFor(settled, 20_000, 'events processed after the restart');
  expect(await server.deps.db.select().from(stravaEvents).where(eq(stravaEvents.user_id, userId))).toHaveLength(3);
  expect(await server.deps.db.select().from(stravaActivities).where(eq(stravaActivities.user_id, userId))).toHaveLength(3);
  const gets = standin.state.requests.filter((r) => r.route === 'activity').length - getsBefore;
  expect(gets).toBe(3);
}

describe('a restart with events queued', () => {
  it('processes them once after a clean shutdown', { timeout: 60_000 }, async () => {
    const { dataDir, userId } = await prepare();
    const first = await startServer(loadConfig(env(dataDir)), { host: '127.0.0.1', log: memoryLogger(), jobs: { ...FAST_JOBS, work: false } });
    servers.push(first);
    await pushEvents(first.url, 1_772_600_000);
    expect(await first.deps.jobs!.boss.findJobs('strava.event', { queued: true })).toHaveLength(3);
    await first.close();

    const getsBefore = standin.state.requests.filter((r) => r.route === 'activity').length;
    const second = await startServer(loadConfig(env(dataDir)), { host: '127.0.0.1', log: memoryLogger(), jobs: FAST_JOBS });
    servers.push(second);
    await expectProcessedOnce(second, userId, getsBefore);
  });

  it('processes them once after the server process is killed', { timeout: 60_000 }, async () => {
    const { dataDir, userId } = await prepare();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/jobs/restart-child.ts'], {
      env: { ...process.env, ...env(dataDir) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening (\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
    });
    await pushEvents(url, 1_772_700_000);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const getsBefore = standin.state.requests.filter((r) => r.route === 'activity').length;
    const next = await startServer(loadConfig(env(dataDir)), { host: '127.0.0.1', log: memoryLogger(), jobs: FAST_JOBS });
    servers.push(next);
    await expectProcessedOnce(next, userId, getsBefore);
  });
});
