import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { openDatabase, type DatabaseHandle } from './db/database.ts';
import { acquireLock } from './db/lock.ts';
import { jobsDatabase, startJobs, type JobsOptions } from './workers.ts';
import type { Config } from './lib/config.ts';
import { type AppDeps } from './context.ts';
import { jsonLogger, type Logger } from './lib/log.ts';
import { makeDataDirPrivate } from './lib/private-dir.ts';

export interface RunningServer {
  url: string;
  port: number;
  deps: AppDeps;
  close(): Promise<void>;
}

/** Opens the database (PGlite under DATA_DIR unless DATABASE_URL), migrates it and serves app + API. */
export async function startServer(
  config: Config,
  options: { staticDir?: string; log?: Logger; now?: () => Date; host?: string; jobs?: JobsOptions } = {},
): Promise<RunningServer> {
  const log = options.log ?? jsonLogger();
  let release = () => {};
  let setPort = (_port: number) => {};
  if (!config.databaseUrl) {
    makeDataDirPrivate(config.dataDir);
    const lock = acquireLock(config.dataDir, 'server');
    if (!lock.ok) {
      throw new Error(`Another RunCoach process (pid ${lock.holder.pid}, ${lock.holder.role}) is using ${config.dataDir}. Stop it first.`);
    }
    release = lock.release;
    setPort = lock.setPort;
  }
  let handle: DatabaseHandle;
  try {
    handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (error) {
    release();
    throw error;
  }
  const deps: AppDeps = { db: handle.db, dbKind: handle.kind, config, now: options.now ?? (() => new Date()), log };
  try {
    // Before serving: the webhook queues work, and a restart re-queues what a crash left behind.
    deps.jobs = await startJobs(deps, jobsDatabase(handle, config.databaseUrl), options.jobs);
  } catch (error) {
    await handle.close();
    release();
    throw error;
  }
  const app = createApp(deps, options.staticDir ? { staticDir: options.staticDir } : {});
  const server = serve({ fetch: app.fetch, port: config.port, hostname: options.host ?? config.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { address, port } = server.address() as AddressInfo;
  setPort(port);
  log.info('server listening', { address, port, db: handle.kind, public_url: config.publicUrl });

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    deps,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        // Running handlers finish first; then nothing touches the database as it closes.
        await deps.jobs?.stop();
        await handle.close();
        release();
      })()),
  };
}
