import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { withBuildLock } from '../tests/browser/support.ts';
import type { BenchFigure } from './lib.ts';

// Sizes of the built PWA: the JavaScript a runner's phone loads to show the app shell, and the
// lazily loaded FIT chunk, which must not be part of that first load.

interface ManifestEntry {
  file: string;
  imports?: string[];
  isEntry?: boolean;
}
type Manifest = Record<string, ManifestEntry>;

const root = new URL('../', import.meta.url).pathname;
const output = join(root, '.svelte-kit/output/client');

/** The built chunks reachable by static imports from `keys`. */
function closure(manifest: Manifest, keys: string[]): Set<string> {
  const seen = new Set<string>();
  const files = new Set<string>();
  const queue = [...keys];
  while (queue.length) {
    const key = queue.pop()!;
    if (seen.has(key) || !manifest[key]) continue;
    seen.add(key);
    files.add(manifest[key].file);
    queue.push(...(manifest[key].imports ?? []));
  }
  return files;
}

const gzipBytes = (files: Iterable<string>) => [...files].reduce((sum, file) => sum + gzipSync(readFileSync(join(output, file)), { level: 9 }).length, 0);

/** The node module SvelteKit generated for a route file, e.g. the "/" page. */
function nodeKeyFor(manifest: Manifest, routeFile: string): string {
  const key = Object.keys(manifest).find((k) => k.includes('generated/client-optimized/nodes/') && readFileSync(join(root, k), 'utf8').includes(routeFile));
  if (!key) throw new Error(`no built node for ${routeFile}`);
  return key;
}

/** First-load JS of the app shell and the FIT chunk's size; builds the PWA first. */
export async function benchClient(): Promise<BenchFigure[]> {
  // Built here rather than taken from buildPwa's cache: the sizes are read from vite's manifest.
  await withBuildLock(async () => execFileSync('npx', ['vite', 'build'], { cwd: root, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } }));
  const manifestPath = join(output, '.vite/manifest.json');
  if (!existsSync(manifestPath)) throw new Error('vite did not write its manifest');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const entries = Object.keys(manifest).filter((k) => manifest[k]!.isEntry && !k.includes('nodes/'));
  const shell = closure(manifest, [...entries, nodeKeyFor(manifest, 'client/routes/+layout.svelte'), nodeKeyFor(manifest, 'client/routes/+page.svelte')]);
  // What the first "Download .FIT" adds on top of the workout screen that shows the button.
  const workoutScreen = closure(manifest, [nodeKeyFor(manifest, 'client/routes/workouts/[id]/+page.svelte')]);
  const fit = [...closure(manifest, ['shared/fit/workout-file.ts'])].filter((file) => !shell.has(file) && !workoutScreen.has(file));
  const fitChunk = manifest['shared/fit/workout-file.ts']!.file;
  const shellKb = gzipBytes(shell) / 1024;
  return [
    { name: 'first-load JS of the app shell (gzip)', value: shellKb, unit: 'KB', target: '≤ 120 KB', ok: shellKb <= 120 },
    { name: 'lazily loaded FIT chunk, added on first export (gzip)', value: gzipBytes(fit) / 1024, unit: 'KB' },
    { name: 'FIT SDK kept out of the first load', value: shell.has(fitChunk) ? 0 : 1, unit: shell.has(fitChunk) ? 'no' : 'yes', ok: !shell.has(fitChunk) },
  ];
}
