import type { JobsOptions } from '../../server/workers.ts';
import { loadConfig } from '../../server/lib/config.ts';
import { startServer } from '../../server/server.ts';

// The server process the load and fault runs drive: configured by the environment exactly as
// `npm run serve` is, API only (no PWA build needed), on loopback. OPS_JOBS may carry job-queue
// knobs as JSON (shorter retry back-offs, so a fault run sees retries within minutes, not hours).

const jobs = JSON.parse(process.env.OPS_JOBS ?? '{}') as JobsOptions;
const running = await startServer(loadConfig(process.env), { host: '127.0.0.1', jobs });
process.stdout.write(`listening ${running.url}\n`);

// For the load run: the V8 heap beside the RSS the parent reads from /proc, so growth can be
// told apart from the heap merely sizing itself; and on SIGUSR2 (with node --expose-gc) a full
// collection first, so what remains is what the server really holds.
if (process.env.OPS_MEMORY_LOG === '1') {
  const report = (label: string) => {
    const { heapUsed, heapTotal, external, arrayBuffers, rss } = process.memoryUsage();
    process.stdout.write(`${label} ${JSON.stringify({ heapUsed, heapTotal, external, arrayBuffers, rss })}\n`);
  };
  setInterval(() => report('memory'), 1000).unref();
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('SIGUSR2', () => {
    gc?.();
    gc?.();
    report('after-gc');
  });
}

const stop = () => {
  running.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
