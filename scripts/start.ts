import { ensureBuild } from './app-build.ts';
import { loadConfig } from '../server/lib/config.ts';

// `npm start`: builds the PWA only when its sources changed since the last build (one line of
// progress; vite's output only if it fails), then runs the server (server/main.ts) on it, and
// says what to do next: where the app is, how to make an invite code, where to sign up.

const started = performance.now();
try {
  const { dir, built } = await ensureBuild({ onBuild: () => process.stdout.write('Building the app… ') });
  if (built) console.log(`done in ${Math.round((performance.now() - started) / 1000)} s`);
  else if (performance.now() - started > 1000) console.log('done (built by another start)');
  else console.log('The app is already built for these sources.');
  process.env.RUNCOACH_BUILD_DIR = dir;
} catch (error) {
  console.log('failed');
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
// Resolves once the server listens (main.ts exits the process when it cannot start).
await import('../server/main.ts');
const { publicUrl } = loadConfig(process.env);
console.log(
  [
    '',
    'Next:',
    `  Open ${publicUrl} in a browser.`,
    '  Make an invite code (in another terminal): npm run invite',
    `  Sign up with it at ${publicUrl}/signup`,
    '  Stop the server with Ctrl+C.',
  ].join('\n'),
);
