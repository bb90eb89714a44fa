import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

// PGlite lets only one process open a data directory; two would corrupt it. Whoever opens
// it (the server, or an operator command when no server runs) holds this lock file. A server
// also records its port, so commands can go through its loopback admin endpoint instead.

export interface LockHolder {
  pid: number;
  role: 'server' | 'command';
  port: number | null;
  /** Distinguishes this process's locks from a dead one's that had the same pid (e.g. pid 1 in a container). */
  token: string;
}

const heldHere = new Set<string>();

function lockPath(dataDir: string): string {
  return join(dataDir, 'pglite.lock');
}

function isLive(holder: LockHolder): boolean {
  if (holder.pid === process.pid) return heldHere.has(holder.token);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process holding the lock, or null (a stale lock from a crashed process counts as none). */
export function currentHolder(dataDir: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockHolder;
    return isLive(holder) ? holder : null;
  } catch {
    return null;
  }
}

/** Takes the lock for this process, or returns the live holder that has it. */
export function acquireLock(
  dataDir: string,
  role: LockHolder['role'],
): { ok: true; release: () => void; setPort: (port: number) => void } | { ok: false; holder: LockHolder } {
  const path = lockPath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    const mine: LockHolder = { pid: process.pid, role, port: null, token: randomUUID() };
    try {
      writeFileSync(path, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      heldHere.add(mine.token);
      return {
        ok: true,
        release: () => {
          heldHere.delete(mine.token);
          if (readHolder(path)?.token === mine.token) rmSync(path, { force: true });
        },
        setPort: (port) => writeFileSync(path, JSON.stringify({ ...mine, port })),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && isLive(holder)) return { ok: false, holder };
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`Could not take ${path}; remove it if no RunCoach process is running.`);
}

function readHolder(path: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return null;
  }
}
