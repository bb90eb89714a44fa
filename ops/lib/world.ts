import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobsOptions } from '../../server/workers.ts';
import { openDatabase } from '../../server/db/database.ts';
import { loadConfig, type Config } from '../../server/lib/config.ts';
import { startAnthropicStandin, type AnthropicStandin } from '../../server/test/anthropic-standin.ts';
import { startSmtpStandin, type SmtpStandin } from '../../server/test/smtp-standin.ts';
import { startStravaStandin, type StravaStandin } from '../../server/test/strava-standin.ts';
import { Balancer, INSTANCE_HEADER } from './balancer.ts';
import { Http, type Json } from './http.ts';
import { Metrics } from './metrics.ts';
import { connect, scratchDatabase, type ScratchDatabase } from './postgres.ts';
import { makeInvite, SimRunner } from './runner.ts';
import { ServerProcess } from './server-process.ts';
import { connectRunners, SUBSCRIPTION_ID } from './strava.ts';
import { freePort } from './util.ts';

// Everything one run needs, wired as in production: a server process configured by its
// environment, its database (a fresh Postgres database, or PGlite in DATA_DIR), the Strava,
// Claude and SMTP stand-ins on loopback, and the clients' HTTP with its metrics. A cluster
// world has several server processes on the one Postgres database behind a load balancer
// (HAProxy): the clients, and PUBLIC_URL, use the balancer's address.

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
  /** Server processes (default 1); more than one need `postgresBase` and `balancer`. */
  instances?: number;
  /**
   * A load balancer in front (HAProxy, ops/cluster/haproxy.cfg): the clients' HTTP goes through
   * it and sends again what a killed instance left unanswered; the servers get TRUST_PROXY=true
   * and the same secrets from the environment, as a deployment of several instances does.
   */
  balancer?: boolean;
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
    /** Every server process (app1, app2… behind the balancer); `server` is the first. */
    readonly servers: ServerProcess[],
    readonly balancer: Balancer | null,
    /** The clients' HTTP: through the balancer when there is one. */
    readonly http: Http,
    /** Straight to the first server: operator calls (invites) are loopback-only, never through a proxy. */
    readonly admin: Http,
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

  /** The first (with one instance, the only) server process. */
  get server(): ServerProcess {
    return this.servers[0]!;
  }

  /** HTTP straight to server `index` (no balancer, no retries), recording into the same metrics. */
  direct(index: number): Http {
    return new Http(this.servers[index]!.url, this.metrics, this.options.requestTimeoutMs ?? 30_000);
  }

  static async create(options: WorldOptions): Promise<World> {
    const instances = options.instances ?? 1;
    if (instances > 1 && (!options.postgresBase || !options.balancer)) throw new Error('several instances need a Postgres database and a balancer');
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
    const ports: number[] = [];
    for (let i = 0; i < instances; i++) ports.push(await freePort());
    const port = ports[0]!;
    const balancer = options.balancer ? await Balancer.create(ports, logPath.replace(/\.log$/, '-haproxy.log')) : null;
    // Behind a balancer the instances must agree on everything they sign, encrypt or compare,
    // so it comes from the environment (DATA_DIR's generated secrets are per machine).
    const shared: Record<string, string> = balancer
      ? { SESSION_SECRET: randomBytes(32).toString('base64url'), TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'), TRUST_PROXY: 'true' }
      : {};
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      PUBLIC_URL: balancer ? balancer.url : `http://127.0.0.1:${port}`,
      ...shared,
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
    // With Postgres the instances share DATA_DIR (it holds only the generated operator token then); each has its own log.
    const servers = ports.map(
      (p, i) =>
        new ServerProcess({
          env,
          port: p,
          logPath: i === 0 ? logPath : logPath.replace(/\.log$/, `-app${i + 1}.log`),
          ...(options.serverNodeArgs ? { nodeArgs: options.serverNodeArgs } : {}),
        }),
    );
    const metrics = new Metrics();
    const timeoutMs = options.requestTimeoutMs ?? 30_000;
    const admin = new Http(servers[0]!.url, metrics, timeoutMs);
    const http = balancer ? new Http(balancer.url, metrics, timeoutMs, { instanceHeader: INSTANCE_HEADER, retry: { attempts: 5, delayMs: 250 } }) : admin;
    const world = new World(options, servers, balancer, http, admin, metrics, config, strava, claude, smtp, database, dataDir, ownsDataDir, logPath);
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
        await runner.setUp(await makeInvite(this.admin, this.config.adminToken), today);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
    return runners;
  }

  /**
   * Links the runners to Strava athletes, and records the webhook subscription the sender's
   * events name, as `npm run strava:subscription -- create` does (Postgres only: the harness
   * writes beside the running server).
   */
  async connectStrava(runners: SimRunner[]): Promise<void> {
    if (!this.database) throw new Error('connectStrava needs the Postgres database');
    await this.query(
      `insert into strava_settings (id, subscription_id) values (1, $1) on conflict (id) do update set subscription_id = excluded.subscription_id`,
      [SUBSCRIPTION_ID],
    );
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
    this.admin.close();
    await Promise.all(this.servers.map((server) => server.close().catch(() => {})));
    await this.balancer?.close().catch(() => {});
    await this.strava.close().catch(() => {});
    await this.claude.close().catch(() => {});
    await this.smtp?.close().catch(() => {});
    await this.database?.drop().catch((error: unknown) => console.error(`could not drop ${this.database!.name}: ${String(error)}`));
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
