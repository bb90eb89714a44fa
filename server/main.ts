import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './lib/config.ts';
import { startServer } from './server.ts';

// Composition root: environment → configuration → database → app → HTTP.

// `npm start` (scripts/start.ts) names its cached build; `npm run serve` serves build/ as made by `npm run build`.
const staticDir = process.env.RUNCOACH_BUILD_DIR ?? fileURLToPath(new URL('../build', import.meta.url));

try {
  const config = loadConfig(process.env);
  const running = await startServer(config, { staticDir });
  console.log(`RunCoach is running on ${config.publicUrl} (database: ${running.deps.dbKind})`);
  const stop = (signal: string) => {
    console.log(`${signal}: shutting down`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
