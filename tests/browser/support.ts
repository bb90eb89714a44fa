import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../../server/lib/config.ts';
import { memoryLogger } from '../../server/lib/context.ts';
import { startServer, type RunningServer } from '../../server/server.ts';

export const SCREENSHOT_DIR = 'test-results/screens';
const root = new URL('../../', import.meta.url).pathname;

/** Builds the PWA once for the browser suite (what `npm start` serves). */
export async function buildPwa(): Promise<string> {
  // vitest sets NODE_ENV=test, which would make a development bundle without the service worker.
  await promisify(execFile)('npx', ['vite', 'build'], { cwd: root, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, NODE_ENV: 'production' } });
  return join(root, 'build');
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
