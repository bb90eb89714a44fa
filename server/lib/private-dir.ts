import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Owner-only modes for DATA_DIR: it holds password hashes, e-mail addresses, tokens and secrets. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Makes `dataDir` readable by its owner only, now and for what is written into it later.
 *
 * With the usual umask 022 another local user could read PGlite's WAL (e-mail addresses,
 * password hashes); with 000 even write `pg_control`. So the umask becomes 077 for this process
 * before the database opens, and a DATA_DIR left by an older version (or copied in with open
 * modes) is tightened at start-up.
 * Symbolic links are left alone: they may point outside DATA_DIR.
 */
export function makeDataDirPrivate(dataDir: string): void {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dataDir);
}

/**
 * Owner-only modes for everything under `path`. PGlite lays out a new cluster with explicit
 * 0666 modes whatever the umask (what it writes afterwards follows the umask): so this runs
 * again once PGlite is ready.
 */
export function tighten(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(path, PRIVATE_DIR_MODE);
    for (const name of readdirSync(path)) tighten(join(path, name));
  } else if ((stat.mode & 0o077) !== 0) {
    // Keep the owner's bits (an executable stays executable); drop group and others.
    chmodSync(path, stat.mode & 0o700);
  }
}
