import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuild } from '../scripts/app-build.ts';
import { median, type BenchFigure } from './lib.ts';
import { freePort } from '../ops/lib/util.ts';

// The embedded server as a household runs it (issue 21): `npm run serve` (tsx server/main.ts)
// in a child process on a fresh PGlite DATA_DIR, the PWA build already made. First start is
// spawn → a 200 from /api/health; idle RSS is the server process's VmRSS after a warm start
// (the same DATA_DIR again) and a short settle. The split (what PGlite, pg-boss and Node
// each hold) comes from the same measurement of smaller processes: PGlite alone opened on the
// migrated data dir, and the server without its jobs (bench/server-probe.ts).

const root = fileURLToPath(new URL('../', import.meta.url));
const SETTLE_MS = 5_000;
const RUNS = 3;

/** VmRSS of a process, in MB (from /proc/<pid>/status). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS for ${pid}`);
  return kb / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Started {
  child: ChildProcess;
  ms: number;
  output: () => string;
}

/**
 * Starts `script` as `npm run serve` does (tsx runs it in one node process: `node --import tsx`,
 * without tsx's watcher parent, so the pid is the server's) and waits for `ready`.
 */
async function startChild(script: string, env: Record<string, string>, ready: (out: string) => Promise<boolean>): Promise<Started> {
  const start = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}:\n${out}`);
    if (await ready(out)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} not ready after 120 s:\n${out}`);
    }
    await sleep(20);
  }
  return { child, ms: performance.now() - start, output: () => out };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`);
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Starts the server on `dataDir`; returns the time to a healthy /api/health. */
async function startServerChild(dataDir: string, buildDir: string): Promise<Started & { port: number }> {
  const port = await freePort();
  const started = await startChild('server/main.ts', { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', RUNCOACH_BUILD_DIR: buildDir }, () =>
    healthy(port),
  );
  return { ...started, port };
}

/** RSS after the settle, with a page and the API touched once as a phone's first visit would. */
async function idleRss(started: Started & { port: number }): Promise<number> {
  await (await fetch(`http://127.0.0.1:${started.port}/`)).arrayBuffer();
  await sleep(SETTLE_MS);
  return rssMb(started.child.pid!);
}

/** First start, idle RSS warm, and what PGlite, pg-boss and Node each hold. */
export async function benchServer(): Promise<BenchFigure[]> {
  const { dir: buildDir } = await ensureBuild();
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'runcoach-bench-server-'));
    dirs.push(dir);
    return dir;
  };
  try {
    const firstStarts: number[] = [];
    const firstRss: number[] = [];
    const warmStarts: number[] = [];
    const warmRss: number[] = [];
    const noJobsRss: number[] = [];
    let warmDir = '';
    for (let run = 0; run < RUNS; run++) {
      warmDir = fresh();
      const first = await startServerChild(warmDir, buildDir);
      firstStarts.push(first.ms);
      firstRss.push(rssMb(first.child.pid!));
      await stopChild(first.child);
      const warm = await startServerChild(warmDir, buildDir);
      warmStarts.push(warm.ms);
      warmRss.push(await idleRss(warm));
      await stopChild(warm.child);
    }
    // The same warm server without its background jobs (pg-boss not started).
    for (let run = 0; run < RUNS; run++) {
      const port = await freePort();
      const app = await startChild(
        'bench/server-probe.ts',
        { PROBE: 'app', DATA_DIR: warmDir, PORT: String(port), HOST: '127.0.0.1', RUNCOACH_BUILD_DIR: buildDir },
        () => healthy(port),
      );
      noJobsRss.push(await idleRss({ ...app, port }));
      await stopChild(app.child);
    }
    // Node alone, and Node with only PGlite open on the migrated data dir.
    const bare: number[] = [];
    const pglite: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const node = await startChild('bench/server-probe.ts', { PROBE: 'node' }, async (out) => out.includes('ready'));
      await sleep(SETTLE_MS);
      bare.push(rssMb(node.child.pid!));
      await stopChild(node.child);
      const lite = await startChild('bench/server-probe.ts', { PROBE: 'pglite', DATA_DIR: warmDir }, async (out) => out.includes('ready'));
      await sleep(SETTLE_MS);
      pglite.push(rssMb(lite.child.pid!));
      await stopChild(lite.child);
    }

    const start = median(firstStarts);
    const rss = median(warmRss);
    return [
      { name: 'server first start to healthy (fresh PGlite DATA_DIR)', value: start / 1000, unit: 's', target: '< 5 s', ok: start < 5000 },
      { name: 'server RSS right after first start', value: median(firstRss), unit: 'MB' },
      { name: 'server warm start to healthy', value: median(warmStarts) / 1000, unit: 's' },
      { name: `server idle RSS, warm start + ${SETTLE_MS / 1000} s settle (PGlite)`, value: rss, unit: 'MB', target: '< 200 MB', ok: rss < 200 },
      { name: '  of which: Node + tsx alone', value: median(bare), unit: 'MB' },
      { name: '  of which: + PGlite open on the data dir (no app)', value: median(pglite), unit: 'MB' },
      { name: '  of which: the server without its jobs (no pg-boss)', value: median(noJobsRss), unit: 'MB' },
    ];
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
