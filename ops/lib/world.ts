import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobsOptions } from '../../server/jobs/index.ts';
import { openDatabase } from '../../server/db/database.ts';
import { loadConfig, type Config } from '../../server/lib/config.ts';
import { startAnthropicStandin, type AnthropicStandin } from '../../server/test/anthropic-standin.ts';
import { startSmtpStandin, type SmtpStandin } from '../../server/test/smtp-standin.ts';
import { startStravaStandin, type StravaStandin } from '../../server/test/strava-standin.ts';
import { Http, type Json } from './http.ts';
import { Metrics } from './metrics.ts';
import { connect, scratchDatabase, type ScratchDatabase } from './postgres.ts';
import { makeInvite, SimRunner } from './runner.ts';
import { ServerProcess } from './server-process.ts';
import { connectRunners } from './strava.ts';
import { freePort } from './util.ts';

// Everything one run needs, wired as in production: a server process configured by its
// environment, its database (a fresh Postgres database, or PGlite in DATA_DIR), the Strava,
// Claude and SMTP stand-ins on loopback, and the clients' HTTP with its metrics.

export interface WorldOptions {
  /** Names temp dirs, databases and the log. */
  name: string;
  /** Postgres server URL to create the run's database on; none: PGlite in DATA_DIR. */
  postgresBase?: string;
  /** DATA_DIR (default: a new temp dir), e.g. a small tmpfs for the disk-full scenario. */
  dataDir?: string;
  jobs?: JobsOptions;
  smtp?: boolean;
  requestTimeoutMs?: number;
  /** More environment for the server process. */
  serverEnv?: Record<string, string>;
  /** Node flags for the server process. */
  serverNodeArgs?: string[];
}

const LOG_DIR = join(tmpdir(), 'rc-ops-logs');

/** Worlds not yet closed: a run that gives up on a scenario still stops its processes. */
const open = new Set<World>();

/** Closes every world still open (servers, stand-ins, databases). */
export async function closeAllWorlds(): Promise<void> {
  await Promise.all([...open].map((world) => world.close()));
}

export class World {
  private constructor(
    readonly options: WorldOptions,
    readonly server: ServerProcess,
    readonly http: Http,
    readonly metrics: Metrics,
    readonly config: Config,
    readonly strava: StravaStandin,
    readonly claude: AnthropicStandin,
    readonly smtp: SmtpStandin | null,
    readonly database: ScratchDatabase | null,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    readonly logPath: string,
  ) {}

  static async create(options: WorldOptions): Promise<World> {
    const ownsDataDir = !options.dataDir;
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `rc-ops-${options.name}-`));
    mkdirSync(LOG_DIR, { recursive: true });
    const logPath = join(LOG_DIR, `${options.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
    const database = options.postgresBase ? await scratchDatabase(options.postgresBase, options.name.replace(/\W/g, '_')) : null;
    // A generous rate limit: the runs measure RunCoach, not the stand-in's 15-minute budget.
    const big = 10_000_000;
    const strava = await startStravaStandin({ limits: { limit15: big, limitDaily: big, readLimit15: big, readLimitDaily: big } });
    const claude = await startAnthropicStandin({ chunkDelayMs: 1 });
    const smtp = options.smtp ? await startSmtpStandin() : null;
    const port = await freePort();
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...(database ? { DATABASE_URL: database.url } : {}),
      ANTHROPIC_API_KEY: 'ops-standin-key',
      ANTHROPIC_BASE_URL: claude.baseUrl,
      // The budget guards real money; against the stand-in it would only cut the chat load short.
      COACH_DAILY_TOKEN_BUDGET: '100000000',
      STRAVA_CLIENT_ID: strava.clientId,
      STRAVA_CLIENT_SECRET: strava.clientSecret,
      STRAVA_OAUTH_URL: strava.oauthUrl,
      STRAVA_API_URL: strava.apiUrl,
      STRAVA_WEBHOOK_VERIFY_TOKEN: 'ops-verify-token',
      ...(smtp ? { SMTP_URL: smtp.url, EMAIL_FROM: 'coach@runcoach.test' } : {}),
      OPS_JOBS: JSON.stringify(options.jobs ?? {}),
      ...options.serverEnv,
    };
    // The same configuration the server loads: its generated secrets (admin token, token key) land in DATA_DIR now.
    const config = loadConfig({ ...env, PORT: String(port) });
    const server = new ServerProcess({ env, port, logPath, ...(options.serverNodeArgs ? { nodeArgs: options.serverNodeArgs } : {}) });
    const metrics = new Metrics();
    const http = new Http(server.url, metrics, options.requestTimeoutMs ?? 30_000);
    const world = new World(options, server, http, metrics, config, strava, claude, smtp, database, dataDir, ownsDataDir, logPath);
    open.add(world);
    return world;
  }

  /** Signs up `count` runners through the API, `parallel` at a time. */
  async addRunners(count: number, parallel = 8): Promise<SimRunner[]> {
    const today = new Date();
    const runners = Array.from({ length: count }, () => new SimRunner(this.http));
    let next = 0;
    const worker = async () => {
      while (next < runners.length) {
        const runner = runners[next++]!;
        await runner.setUp(await makeInvite(this.http, this.config.adminToken), today);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
    return runners;
  }

  /** Links the runners to Strava athletes (Postgres only: the harness writes beside the running server). */
  async connectStrava(runners: SimRunner[]): Promise<void> {
    if (!this.database) throw new Error('connectStrava needs the Postgres database');
    const handle = await openDatabase({ databaseUrl: this.database.url, dataDir: null });
    try {
      await connectRunners(handle.db, this.config.tokenEncryptionKey, this.strava, runners);
    } finally {
      await handle.close();
    }
  }

  /** One query on the run's Postgres database, on a connection of its own. */
  async query(text: string, params: unknown[] = []): Promise<{ rows: Json[] }> {
    if (!this.database) throw new Error('query needs the Postgres database');
    const client = await connect(this.database.url);
    try {
      return await client.query(text, params);
    } finally {
      await client.end().catch(() => {});
    }
  }

  /** Stops everything the world started and removes its database and temp data. */
  async close(): Promise<void> {
    if (!open.delete(this)) return;
    this.http.close();
    await this.server.close().catch(() => {});
    await this.strava.close().catch(() => {});
    await this.claude.close().catch(() => {});
    await this.smtp?.close().catch(() => {});
    await this.database?.drop().catch((error: unknown) => console.error(`could not drop ${this.database!.name}: ${String(error)}`));
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
