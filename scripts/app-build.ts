import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { precompressDir } from './precompress.ts';

// One built PWA per source fingerprint, shared by `npm start`, the browser tests and the
// benches: node_modules/.cache/runcoach-pwa/<fingerprint>/. A build is made in a temporary
// folder and renamed into place, so a folder that exists is complete, and no later build
// overwrites it while a server reads it.

const root = fileURLToPath(new URL('../', import.meta.url));
const cacheRoot = join(root, 'node_modules/.cache/runcoach-pwa');
const lock = join(root, 'node_modules/.cache/runcoach-pwa.lock');
/** Builds kept besides the newest: a server started before an edit keeps serving its own. */
const KEEP_OLDER = 2;

const buildInputs = ['client', 'shared', 'vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/precompress.ts'];

/** Size and mtime of every file the bundle is built from: equal fingerprints, equal bundles. */
export function sourceFingerprint(): string {
  const hash = createHash('sha256');
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path).sort()) visit(join(path, entry));
    else hash.update(`${path}:${stat.size}:${stat.mtimeMs}\n`);
  };
  for (const input of buildInputs) visit(join(root, input));
  return hash.digest('hex').slice(0, 16);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits for a directory lock: `vite build` writes build/ and .svelte-kit/, so builds must not overlap. */
export async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(lock), { recursive: true });
  for (let waited = 0; ; waited += 250) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      // A lock whose builder has died (or, without its pid, older than any build) is left over.
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // not written yet, or removed meanwhile
      }
      if ((Number.isInteger(owner) && owner > 0 && !alive(owner)) || waited > 600_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Runs `vite build` with its output captured: returned on failure, never printed on success. */
function viteBuild(): Promise<void> {
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  return new Promise((resolve, reject) => {
    // NODE_ENV=test (vitest) would make a development bundle without the service worker.
    execFile(
      process.execPath,
      [vite, 'build'],
      { cwd: root, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_ENV: 'production' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`vite build failed:\n${stdout}${stderr}`));
        else resolve();
      },
    );
  });
}

export interface BuildOptions {
  /** Called once when this call has to build (or wait for another process's build). */
  onBuild?: () => void;
}

/** The built and precompressed PWA for the current sources, built only when none exists for their fingerprint. */
export async function ensureBuild(options: BuildOptions = {}): Promise<{ dir: string; built: boolean }> {
  const fingerprint = sourceFingerprint();
  const dir = join(cacheRoot, fingerprint);
  if (existsSync(join(dir, 'index.html'))) return { dir, built: false };
  options.onBuild?.();
  return withBuildLock(async () => {
    // Another process may have built these sources while this one waited.
    if (existsSync(join(dir, 'index.html'))) return { dir, built: false };
    await viteBuild();
    const temporary = join(cacheRoot, `.tmp-${process.pid}-${randomUUID().slice(0, 8)}`);
    try {
      cpSync(join(root, 'build'), temporary, { recursive: true });
      precompressDir(temporary);
      rmSync(dir, { recursive: true, force: true });
      renameSync(temporary, dir);
    } finally {
      rmSync(temporary, { recursive: true, force: true });
    }
    pruneOlderBuilds(fingerprint);
    return { dir, built: true };
  });
}

function pruneOlderBuilds(current: string): void {
  const older = readdirSync(cacheRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== current)
    .map((entry) => ({ path: join(cacheRoot, entry.name), mtime: statSync(join(cacheRoot, entry.name)).mtimeMs, temporary: entry.name.startsWith('.tmp-') }))
    .sort((a, b) => b.mtime - a.mtime);
  // Temporary folders only outlive a build whose process was killed (this one holds the lock).
  for (const entry of older.filter((e) => e.temporary)) rmSync(entry.path, { recursive: true, force: true });
  for (const entry of older.filter((e) => !e.temporary).slice(KEEP_OLDER)) rmSync(entry.path, { recursive: true, force: true });
}
