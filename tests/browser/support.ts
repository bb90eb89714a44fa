import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../../server/lib/config.ts';
import { memoryLogger } from '../../server/lib/context.ts';
import { startServer, type RunningServer } from '../../server/server.ts';

export const SCREENSHOT_DIR = 'test-results/screens';
const root = new URL('../../', import.meta.url).pathname;

const buildInputs = ['client', 'shared', 'vite.config.ts', 'package.json', 'tsconfig.json'];

/** Size and mtime of every file the bundle is built from: equal fingerprints, equal bundles. */
function sourceFingerprint(): string {
  const hash = createHash('sha256');
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path).sort()) visit(join(path, entry));
    else hash.update(`${path}:${stat.size}:${stat.mtimeMs}\n`);
  };
  for (const input of buildInputs) visit(join(root, input));
  return hash.digest('hex').slice(0, 16);
}

/** Waits for a directory lock: `vite build` writes build/ and .svelte-kit/, so builds must not overlap. */
export async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = join(root, 'node_modules/.cache/runcoach-pwa.lock');
  mkdirSync(dirname(lock), { recursive: true });
  for (let waited = 0; ; waited += 250) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the longest build is left over from a killed run.
      if (waited > 180_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The built PWA (what `npm start` serves), in a folder of its own that no later build
 * overwrites. Test files and benches share one build per source fingerprint, so only the
 * first of them pays for `vite build`.
 */
export async function buildPwa(): Promise<string> {
  return withBuildLock(async () => {
    const cached = join(root, 'node_modules/.cache/runcoach-pwa', sourceFingerprint());
    if (existsSync(join(cached, 'index.html'))) return cached;
    // vitest sets NODE_ENV=test, which would make a development bundle without the service worker.
    await promisify(execFile)('npx', ['vite', 'build'], { cwd: root, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, NODE_ENV: 'production' } });
    rmSync(dirname(cached), { recursive: true, force: true });
    cpSync(join(root, 'build'), cached, { recursive: true });
    return cached;
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The real server on a fresh PGlite data directory, serving the built PWA on loopback. */
export async function startAppServer(staticDir: string, dataDir = mkdtempSync(join(tmpdir(), 'runcoach-browser-'))): Promise<RunningServer & { dataDir: string; publicUrl: string }> {
  const port = await freePort();
  const publicUrl = `http://localhost:${port}`;
  const config = loadConfig({ DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: publicUrl });
  const server = await startServer(config, { staticDir, log: memoryLogger(), host: '127.0.0.1' });
  return { ...server, dataDir, publicUrl };
}

/** Debian's Chromium, headless, with the flags this closed network needs. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
