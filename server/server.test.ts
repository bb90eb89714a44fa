import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './lib/config.ts';
import { memoryLogger } from './lib/log.ts';
import { startServer, type RunningServer } from './server.ts';
import { currentEpoch } from './sync/versions.ts';

const run = promisify(execFile);
const running: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(running.map((server) => server.close()));
});

async function start(dataDir: string): Promise<RunningServer> {
  const server = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0' }), { log: memoryLogger(), host: '127.0.0.1' });
  running.push(server);
  return server;
}

/** `npm run invite` as an operator types it, against DATA_DIR. */
async function inviteCommand(dataDir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('npx', ['tsx', 'server/cli/invite.ts', ...args], { env: { ...process.env, DATA_DIR: dataDir } });
  return stdout.trim().split('\n').at(-1)!;
}

async function post(url: string, body: unknown, cookie?: string) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
}

describe('the server on a PGlite data directory', () => {
  it('issues invites through the running server, and keeps accounts and sessions across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-server-'));
    const first = await start(dataDir);
    const code = await inviteCommand(dataDir, '--expires-days', '7');
    expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    const register = await post(`${first.url}/api/auth/register`, {
      invite_code: code,
      name: 'Restart',
      email: 'restart@example.com',
      password: 'long enough password',
    });
    expect(register.status).toBe(201);
    const cookie = register.headers.get('set-cookie')!.split(';')[0]!;
    await first.close();

    const second = await start(dataDir);
    const me = await fetch(`${second.url}/api/auth/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe('restart@example.com');
    await second.close();

    // With no server running the command opens PGlite itself, and the next server sees the code.
    const offlineCode = await inviteCommand(dataDir);
    const third = await start(dataDir);
    const again = await post(`${third.url}/api/auth/register`, {
      invite_code: offlineCode,
      name: 'Later',
      email: 'later@example.com',
      password: 'long enough password',
    });
    expect(again.status).toBe(201);
  }, 90_000); // three servers and two CLI processes: far beyond the default on a loaded 2-core machine

  it('rotates the sync epoch through the running server, and directly when none runs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-server-'));
    const server = await start(dataDir);
    const before = await currentEpoch(server.deps.db);
    const { stdout } = await run('npx', ['tsx', 'server/cli/rotate-epoch.ts'], { env: { ...process.env, DATA_DIR: dataDir } });
    const rotated = stdout.trim().split('\n').at(-1)!;
    expect(rotated).not.toBe(before);
    expect(await currentEpoch(server.deps.db)).toBe(rotated);
    await server.close();
    const offline = (await run('npx', ['tsx', 'server/cli/rotate-epoch.ts'], { env: { ...process.env, DATA_DIR: dataDir } })).stdout.trim().split('\n').at(-1)!;
    const again = await start(dataDir);
    expect(await currentEpoch(again.deps.db)).toBe(offline);
    expect(offline).not.toBe(rotated);
  }, 90_000);

  it('refuses to open a data directory another live server holds', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-server-'));
    await start(dataDir);
    await expect(startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0' }), { log: memoryLogger() })).rejects.toThrow(/is using/);
  });
});

describe('a fresh server on this machine (issue 15: M4, I1)', () => {
  it('listens on 127.0.0.1 unless HOST says otherwise', async () => {
    const log = memoryLogger();
    const server = await startServer(loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'runcoach-server-')), PORT: '0' }), { log });
    running.push(server);
    expect(JSON.parse(log.lines.find((l) => l.includes('server listening'))!)).toMatchObject({ address: '127.0.0.1' });
    expect(loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'runcoach-config-')), HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('keeps DATA_DIR owner-only: new files and folders, and an old directory left open', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-server-'));
    // The worst case seen: a permissive umask, and a DATA_DIR from before with open modes.
    const umask = process.umask(0);
    try {
      chmodSync(dataDir, 0o777);
      mkdirSync(join(dataDir, 'old'), { mode: 0o777 });
      writeFileSync(join(dataDir, 'old', 'left-open'), 'x', { mode: 0o666 });
      const server = await start(dataDir);
      await server.close();
    } finally {
      process.umask(umask);
    }
    const open: string[] = [];
    const walk = (path: string): void => {
      const stat = statSync(path);
      if (stat.isDirectory() ? (stat.mode & 0o777) !== 0o700 : (stat.mode & 0o077) !== 0) open.push(`${(stat.mode & 0o777).toString(8)} ${path}`);
      if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    };
    walk(dataDir);
    expect(open).toEqual([]);
    expect(readdirSync(join(dataDir, 'pglite')).length).toBeGreaterThan(5);
  });
});

describe('configuration', () => {
  it('names the variable that is wrong', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-config-'));
    expect(() => loadConfig({ DATA_DIR: dataDir, PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir, PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATA_DIR: dataDir, STRAVA_DATA_IN_AI: 'maybe' })).toThrow(/STRAVA_DATA_IN_AI/);
    expect(() => loadConfig({ DATA_DIR: dataDir, TOKEN_ENCRYPTION_KEY: 'short' })).toThrow(/TOKEN_ENCRYPTION_KEY/);
    expect(() => loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'ftp://x' })).toThrow(/PUBLIC_URL/);
  });

  it('generates secrets once into DATA_DIR, private to the owner, and reuses them', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-config-'));
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(second.sessionSecret).toBe(first.sessionSecret);
    expect(second.tokenEncryptionKey.equals(first.tokenEncryptionKey)).toBe(true);
    expect(first.tokenEncryptionKey).toHaveLength(32);
    expect(statSync(join(dataDir, 'secrets.json')).mode & 0o077).toBe(0);
    expect(JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'))).toHaveProperty('session_secret', first.sessionSecret);
  });

  it('prefers secrets given in the environment and defaults the rest', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-config-'));
    const config = loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: 's'.repeat(40), PUBLIC_URL: 'https://coach.example.com/' });
    expect(config.sessionSecret).toBe('s'.repeat(40));
    expect(config.publicUrl).toBe('https://coach.example.com');
    expect(config.secureCookies).toBe(true);
    expect(config.port).toBe(8787);
    expect(config.strava.dataInAi).toBe(false);
  });
});
