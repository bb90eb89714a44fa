import { api, ApiError } from '../api/client.ts';
import { onStoreClose, openUserStore } from '../data/store.ts';
import type { UserDb } from '../data/db.ts';
import { SyncEngine } from './engine.ts';
import { registerBackgroundSync } from './locks.ts';
import { startScheduler, type SyncScheduler } from './scheduler.ts';
import { fetchTransport, type SyncTransport } from './transport.ts';

// The app's entry point to sync: sign-in opens the runner's store and starts its engine;
// sign-out calls closeUserStore(), which stops the engine before the store closes.

export interface UserSync {
  db: UserDb;
  engine: SyncEngine;
  scheduler: SyncScheduler;
}

export interface StartOptions {
  transport?: SyncTransport;
  /** Who the session belongs to now (asked before every run); defaults to GET /api/auth/me. */
  signedInUserId?: () => string | null | undefined | Promise<string | null | undefined>;
}

/** The user the session cookie belongs to, as the server sees it (null when signed out). */
async function sessionUserId(): Promise<string | null> {
  try {
    return (await api<{ user: { id: string } }>('GET', '/auth/me')).user.id;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

let active: UserSync | null = null;
let starting: { userId: string; promise: Promise<UserSync> } | null = null;

/** Opens `userId`'s store and starts syncing it (idempotent for the same runner). */
export function startUserSync(userId: string, options: StartOptions = {}): Promise<UserSync> {
  if (active?.db.userId === userId) return Promise.resolve(active);
  if (starting?.userId === userId) return starting.promise;
  const promise = start(userId, options).finally(() => {
    if (starting?.promise === promise) starting = null;
  });
  starting = { userId, promise };
  return promise;
}

async function start(userId: string, options: StartOptions): Promise<UserSync> {
  const db = await openUserStore(userId);
  const engine = new SyncEngine({ db, transport: options.transport ?? fetchTransport(), signedInUserId: options.signedInUserId ?? sessionUserId });
  const scheduler = startScheduler(engine);
  const unsubscribeWrites = db.onWrite(() => scheduler.written());
  // Offline with changes waiting: ask the service worker to sync once the network is back,
  // even if this tab is closed by then (Background Sync, where the browser has it).
  const unsubscribeStatus = engine.subscribe((status) => {
    if (status.phase === 'offline' && status.pending > 0 && typeof navigator !== 'undefined' && 'serviceWorker' in navigator) {
      void navigator.serviceWorker.ready.then(registerBackgroundSync, () => false);
    }
  });
  const started: UserSync = { db, engine, scheduler };
  active = started;
  onStoreClose(async () => {
    unsubscribeWrites();
    unsubscribeStatus();
    scheduler.stop();
    await engine.stop();
    if (active === started) active = null;
  });
  return started;
}

/** The running sync of the signed-in runner, or null. */
export function activeSync(): UserSync | null {
  return active;
}
