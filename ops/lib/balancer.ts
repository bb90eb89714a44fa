import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep } from './util.ts';

// A real load balancer in front of several server processes: HAProxy from Debian's packages,
// run in the foreground from the committed example config (ops/cluster/haproxy.cfg) with the
// run's free loopback ports put in, round-robin, health-checked on /api/health. Installed with
// apt-get when missing (said so on the console).

/** The example config the run uses, committed for operators (README, Deploying). */
export const EXAMPLE_CONFIG = fileURLToPath(new URL('../cluster/haproxy.cfg', import.meta.url));

/** The response header the config sets to the instance that answered; a 5xx without it is HAProxy's own. */
export const INSTANCE_HEADER = 'x-runcoach-instance';

export interface BackendState {
  name: string;
  /** HAProxy's status: UP, DOWN, UP 1/2 (going down), DOWN 1/2 (coming up), MAINT… */
  status: string;
  /** Requests HAProxy sent to it (stot) and the ones it retried or redispatched away from it. */
  sessions: number;
  retries: number;
  redispatches: number;
}

/** The example config with the run's ports: the frontend, the stats page, and one `server` line per instance (after `app1`'s pattern). */
export function renderConfig(template: string, ports: { frontend: number; stats: number; servers: number[] }): string {
  const lines = template.split('\n');
  const serverLines = lines.map((line, i) => ({ line, i })).filter(({ line }) => /^\s*server\s+app\d+\s+127\.0\.0\.1:\d+/.test(line));
  if (!template.includes('bind 127.0.0.1:8080') || !template.includes('bind 127.0.0.1:8404') || serverLines.length === 0) {
    throw new Error(`${EXAMPLE_CONFIG} no longer has the frontend (8080), stats (8404) and app1 server lines the run fills in`);
  }
  const pattern = serverLines[0]!.line;
  const ours = ports.servers.map((port, i) => pattern.replace(/app\d+\s+127\.0\.0\.1:\d+/, `app${i + 1} 127.0.0.1:${port}`));
  const out: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (i === serverLines[0]!.i) out.push(...ours);
    else if (serverLines.some((s) => s.i === i)) continue;
    else out.push(line.replace('bind 127.0.0.1:8080', `bind 127.0.0.1:${ports.frontend}`).replace('bind 127.0.0.1:8404', `bind 127.0.0.1:${ports.stats}`));
  }
  return out.join('\n');
}

/** The haproxy binary, installing Debian's package when it is missing. */
export function ensureHaproxy(log: (line: string) => void): string {
  const found = () => spawnSync('which', ['haproxy'], { encoding: 'utf8' }).stdout.trim();
  let path = found();
  if (path) return path;
  log('haproxy is not installed: installing it now (apt-get install -y haproxy)…');
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'haproxy'], {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  let result = install();
  if (result.status !== 0) {
    log('apt-get install failed; running apt-get update first…');
    spawnSync('apt-get', ['update'], { encoding: 'utf8' });
    result = install();
  }
  path = found();
  if (result.status !== 0 || !path) throw new Error(`could not install haproxy:\n${result.stderr}`);
  log(`installed ${execFileSync(path, ['-v'], { encoding: 'utf8' }).split('\n')[0]}`);
  return path;
}

export class Balancer {
  private child: ChildProcess | null = null;
  private readonly dir: string;
  private log: WriteStream;
  readonly configPath: string;

  private constructor(
    readonly port: number,
    readonly statsPort: number,
    readonly serverPorts: number[],
    readonly logPath: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'rc-ops-haproxy-'));
    this.configPath = join(this.dir, 'haproxy.cfg');
    writeFileSync(this.configPath, renderConfig(readFileSync(EXAMPLE_CONFIG, 'utf8'), { frontend: port, stats: statsPort, servers: serverPorts }));
    this.log = createWriteStream(logPath, { flags: 'a' });
  }

  /** A balancer for servers on `serverPorts` (app1, app2… in that order), on free loopback ports. */
  static async create(serverPorts: number[], logPath: string): Promise<Balancer> {
    return new Balancer(await freePort(), await freePort(), serverPorts, logPath);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Checks the config, starts HAProxy in the foreground and waits for its stats page. */
  async start(log: (line: string) => void = () => {}): Promise<void> {
    const binary = ensureHaproxy(log);
    const check = spawnSync(binary, ['-c', '-q', '-f', this.configPath], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`haproxy rejects ${this.configPath}:\n${check.stdout}${check.stderr}`);
    // -db: foreground, no daemon; the run stops it by its pid.
    const child = spawn(binary, ['-db', '-f', this.configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (!this.running) throw new Error(`haproxy exited at start (see ${this.logPath})`);
      if ((await this.states().catch(() => null)) !== null) return;
      if (Date.now() > deadline) throw new Error('haproxy did not answer on its stats port within 15 s');
      await sleep(100);
    }
  }

  /** Every instance's state and counters, from the stats page's CSV. */
  async states(): Promise<BackendState[]> {
    const response = await fetch(`http://127.0.0.1:${this.statsPort}/stats;csv`, { signal: AbortSignal.timeout(2_000) });
    const text = await response.text();
    const [header, ...rows] = text.trim().split('\n');
    const columns = header!.replace(/^# /, '').split(',');
    const at = (row: string[], name: string) => row[columns.indexOf(name)] ?? '';
    return rows
      .map((line) => line.split(','))
      .filter((row) => at(row, 'pxname') === 'instances' && /^app\d+$/.test(at(row, 'svname')))
      .map((row) => ({
        name: at(row, 'svname'),
        status: at(row, 'status'),
        sessions: Number(at(row, 'stot')),
        retries: Number(at(row, 'wretr')),
        redispatches: Number(at(row, 'wredis')),
      }));
  }

  /** Waits until exactly the instances named in `up` are UP and the others DOWN (health checks settle in ~2 s). */
  async waitForState(up: string[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await this.states().catch(() => []);
      if (states.length && states.every((s) => (up.includes(s.name) ? s.status === 'UP' : s.status.startsWith('DOWN')))) return;
      if (Date.now() > deadline)
        throw new Error(
          `haproxy did not see ${up.join(', ')} up (and the others down) within ${timeoutMs} ms: ${states.map((s) => `${s.name} ${s.status}`).join(', ')}`,
        );
      await sleep(200);
    }
  }

  /** Stops HAProxy (SIGTERM to its pid) and removes its temp dir. */
  async close(): Promise<void> {
    const child = this.child;
    if (child && this.running) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
    this.child = null;
    await new Promise<void>((resolve) => this.log.end(resolve));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
