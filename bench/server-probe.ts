import { serve } from '@hono/node-server';

// A smaller process than the server, for bench/server.ts's split of idle memory: PROBE=node
// (Node + tsx, nothing opened), PROBE=pglite (the database opened and migrated on DATA_DIR),
// PROBE=app (the server of server/server.ts without its background jobs: no pg-boss).

const probe = process.env.PROBE ?? 'node';
if (probe !== 'node') {
  const { openDatabase } = await import('../server/db/database.ts');
  const handle = await openDatabase({ dataDir: process.env.DATA_DIR! });
  if (probe === 'app') {
    const { loadConfig } = await import('../server/lib/config.ts');
    const { createApp } = await import('../server/app.ts');
    const { jsonLogger } = await import('../server/lib/log.ts');
    const config = loadConfig(process.env);
    const app = createApp(
      { db: handle.db, dbKind: handle.kind, config, now: () => new Date(), log: jsonLogger() },
      process.env.RUNCOACH_BUILD_DIR ? { staticDir: process.env.RUNCOACH_BUILD_DIR } : {},
    );
    serve({ fetch: app.fetch, port: config.port, hostname: config.host });
  }
  process.once('SIGTERM', () => void handle.close().then(() => process.exit(0)));
} else {
  setInterval(() => {}, 1 << 30);
  process.once('SIGTERM', () => process.exit(0));
}
console.log('ready');
