import { openDatabase, type Database } from './database.ts';
import { acquireLock, currentHolder } from './lock.ts';
import { ConfigError, loadConfig, type Config } from '../lib/config.ts';

/** How an operator command reaches the data: straight to the database, or through the running server. */
export type Route =
  | { kind: 'direct'; config: Config; db: Database; done: () => Promise<void> }
  | { kind: 'server'; config: Config; call: (path: string, body: unknown) => Promise<unknown>; get: (path: string) => Promise<unknown> };

/**
 * Postgres is opened directly (it serves many processes). PGlite is opened only when no
 * server holds it; otherwise the command goes through the server's loopback admin endpoint.
 */
export async function operatorRoute(): Promise<Route> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  if (!config.databaseUrl) {
    const holder = currentHolder(config.dataDir);
    if (holder?.role === 'server' && holder.port !== null) return serverRoute(config, holder.port);
    const lock = acquireLock(config.dataDir, 'command');
    if (!lock.ok) fail(`Another RunCoach process (pid ${lock.holder.pid}) is starting up on ${config.dataDir}; try again in a moment.`);
    const handle = await openDatabase({ dataDir: config.dataDir });
    return {
      kind: 'direct',
      config,
      db: handle.db,
      done: async () => {
        await handle.close();
        lock.release();
      },
    };
  }
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: null });
  return { kind: 'direct', config, db: handle.db, done: () => handle.close() };
}

function serverRoute(config: Config, port: number): Route {
  const request = async (path: string, init: RequestInit) => {
    const response = await fetch(`http://127.0.0.1:${port}/api/admin${path}`, {
      ...init,
      headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), authorization: `Bearer ${config.adminToken}` },
    });
    const payload = (await response.json()) as { error?: { message: string } };
    if (!response.ok) fail(`The running server refused: ${payload.error?.message ?? response.status}`);
    return payload;
  };
  return {
    kind: 'server',
    config,
    call: (path, body) => request(path, { method: 'POST', body: JSON.stringify(body) }),
    get: (path) => request(path, { method: 'GET' }),
  };
}

/** Prints a message and exits with status 1. */
export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
