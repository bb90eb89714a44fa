import { readFileSync } from 'node:fs';
import { openDatabase } from '../db/database.ts';
import { acquireLock } from '../db/lock.ts';
import { moveToPostgres, MoveRefused } from '../operator/move-to-postgres.ts';
import { ConfigError, loadConfig, secretsPath } from '../lib/config.ts';
import { fail } from '../db/open-for-cli.ts';

// `npm run db:move-to-postgres -- postgres://user@host/db`: carries a household that started
// on the embedded database (DATA_DIR) over to Postgres, checks the copy, and prints the
// environment every new instance needs. The server must be stopped first; DATA_DIR is left as
// it was, so going back is starting the old server again.

const target = process.argv[2];
if (!target || !/^postgres(ql)?:\/\//.test(target)) {
  fail('Usage: npm run db:move-to-postgres -- postgres://user:password@host:5432/database\nThe database must exist and be empty.');
}

let config;
try {
  config = loadConfig({ ...process.env, DATABASE_URL: undefined });
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

const lock = acquireLock(config.dataDir, 'command');
if (!lock.ok) {
  fail(
    `A RunCoach ${lock.holder.role === 'server' ? 'server' : 'command'} (pid ${lock.holder.pid}) is using ${config.dataDir}. Stop it, then run the move again: a household must not change while it is copied.`,
  );
}

try {
  const source = await openDatabase({ dataDir: config.dataDir });
  try {
    console.error(`Moving ${config.dataDir} to ${new URL(target).host}${new URL(target).pathname} …`);
    const report = await moveToPostgres(source, target);
    const rows = report.tables.reduce((sum, t) => sum + t.rows, 0);
    console.error(`Copied ${rows} rows in ${report.tables.length} tables; row counts and the sync digests of all ${report.runners} runners match.`);
    console.error('Devices keep syncing without a reset (same epoch and versions). Start the new instances with this environment (keep it secret):');
  } finally {
    await source.close();
  }
} catch (error) {
  lock.release();
  if (error instanceof MoveRefused) fail(error.message);
  fail(
    `The move did not complete, and nothing was kept in the target: ${error instanceof Error ? error.message : String(error)}\nFix the cause and run the same command again.`,
  );
}
lock.release();

// The generated secrets (a server on DATA_DIR never needed them in its environment) must now be
// the same on every instance: sessions are keyed with one, Strava tokens encrypted with another.
const secrets = JSON.parse(readFileSync(secretsPath(config.dataDir), 'utf8')) as Record<string, string>;
const lines = {
  DATABASE_URL: target,
  SESSION_SECRET: process.env.SESSION_SECRET || secrets.session_secret,
  TOKEN_ENCRYPTION_KEY: process.env.TOKEN_ENCRYPTION_KEY || secrets.token_encryption_key,
  STRAVA_WEBHOOK_VERIFY_TOKEN: process.env.STRAVA_WEBHOOK_VERIFY_TOKEN || secrets.strava_webhook_verify_token,
};
for (const [name, value] of Object.entries(lines)) console.log(`${name}=${value}`);
