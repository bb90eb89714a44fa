import { loadConfig } from '../lib/config.ts';
import { startServer } from '../server.ts';

// A server process for the restart test (restart.test.ts), configured by the environment as
// `npm start` is, with its workers off: the jobs it queues stay queued until the test kills it.

const running = await startServer(loadConfig(process.env), { host: '127.0.0.1', jobs: { work: false, schedule: false } });
process.stdout.write(`listening ${running.url}\n`);
