import { openDatabase } from '../db/database.ts';
import { loadConfig } from '../lib/config.ts';
import { memoryLogger } from '../lib/log.ts';
import { deliver } from './deliver.ts';
import { deliveryEnv } from './jobs.ts';

// A delivery process for crash.test.ts, configured by the environment as `npm start` is: it
// delivers one notification (argv) over SMTP and is SIGKILLed by the test while the mail server,
// having received the whole message, holds back its answer.

const config = loadConfig(process.env);
const handle = await openDatabase({ dataDir: config.dataDir });
const deps = { db: handle.db, dbKind: handle.kind, config, now: () => new Date(), log: memoryLogger() };
const outcome = await deliver(deliveryEnv(deps), process.argv[2]!);
process.stdout.write(`outcome ${outcome}\n`);
await handle.close();
