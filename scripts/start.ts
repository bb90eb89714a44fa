import { ensureBuild } from './app-build.ts';

// `npm start`: builds the PWA only when its sources changed since the last build (one line of
// progress; vite's output only if it fails), then runs the server (server/main.ts) on it.

const started = performance.now();
try {
  const { dir, built } = await ensureBuild({ onBuild: () => process.stdout.write('Building the app… ') });
  if (built) console.log(`done in ${Math.round((performance.now() - started) / 1000)} s`);
  else if (performance.now() - started > 1000) console.log('done (built by another start)');
  process.env.RUNCOACH_BUILD_DIR = dir;
} catch (error) {
  console.log('failed');
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
await import('../server/main.ts');
