import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './util.ts';

// Databases for the runs: a fresh database per run on the machine's Postgres (dropped at the
// end), and, for the restart scenario, a private Postgres cluster nobody else uses.

export const DEFAULT_BASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The Postgres server the runs create their databases on. */
export function baseUrl(): string {
  return process.env.LOAD_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_BASE_URL;
}

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** CREATE DATABASE rc_<prefix>_<random> on `base`'s server; drop() removes it (WITH FORCE). */
export async function scratchDatabase(base: string, prefix: string): Promise<ScratchDatabase> {
  const name = `rc_${prefix}_${randomBytes(5).toString('hex')}`;
  await adminQuery(base, `CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function adminQuery(base: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A direct connection for audits (reads the tables the API does not show). */
export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // An audit client must not die with the server it watches (restart scenario).
  client.on('error', () => {});
  return client;
}

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A throwaway Postgres cluster (initdb in a temp dir, trust auth, a free port), run as the
 * `postgres` user: the restart scenario restarts this one, never the shared server on :5432.
 */
const clusters = new Set<PrivatePostgres>();

/** Stops and removes every private cluster still running. */
export function destroyAllClusters(): void {
  for (const cluster of clusters) cluster.destroy();
}

export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'rc-ops-pg-'));
    chmodSync(dir, 0o700);
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    asPostgres('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    const cluster = new PrivatePostgres(dir, await freePort());
    clusters.add(cluster);
    asPostgres('pg_ctl', [
      '-D',
      join(dir, 'data'),
      '-l',
      join(dir, 'log'),
      '-w',
      '-o',
      `-p ${cluster.port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on`,
      'start',
    ]);
    return cluster;
  }

  /** pg_ctl restart: `fast` rolls back open transactions and disconnects; `immediate` is a crash (recovery on start). */
  restart(mode: 'fast' | 'immediate'): void {
    asPostgres('pg_ctl', ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'log'), '-w', '-m', mode, 'restart']);
  }

  destroy(): void {
    if (!clusters.delete(this)) return;
    try {
      asPostgres('pg_ctl', ['-D', join(this.dir, 'data'), '-w', '-m', 'immediate', 'stop']);
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function asPostgres(binary: string, args: string[]): void {
  execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, binary), ...args], { stdio: 'pipe', timeout: 60_000 });
}
