import { api } from '../api/client.ts';
import { errorCode } from '../errors.ts';
import { onStoreClose, openUserStore } from '../data/store.ts';
import type { UserDb } from '../data/db.ts';
import { SyncEngine } from './engine.ts';
import { answerSyncRequest, registerBackgroundSync } from './locks.ts';
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
    if (errorCode(error) === 'unauthenticated') return null;
    throw error;
  }
}

/**
 * Whether the browser itself knows it is offline; Background Sync is asked for only then, and
 * fires once the browser is back online. Where it thinks it is online (a captive portal, the
 * server down), the event would fire at once, fail, and be registered again here in a loop; the
 * tab's own retries cover that case.
 */
function browserOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

function askForBackgroundSync(): void {
  if (typeof navigator !== 'undefined' && 'serviceWorker' in navigator) void navigator.serviceWorker.ready.then(registerBackgroundSync, () => false);
}

/**
 * True while a sync the service worker asked for runs: if it fails, the worker's event fails and
 * the browser schedules the retry, so registering again (mid-event) would only make it refire.
 */
let answeringWorker = false;
let listening = false;

/** Answers the service worker's Background Sync requests (client/static/sw-sync.js) for this tab. */
function listenForBackgroundSync(): void {
  if (listening || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  listening = true;
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const sync = active ? active.engine : null;
    answerSyncRequest(
      event.data,
      event.ports[0],
      sync &&
        (() => {
          answeringWorker = true;
          return sync.sync().finally(() => (answeringWorker = false));
        }),
    );
  });
  navigator.serviceWorker.startMessages(); // deliver requests queued before this listener existed
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
  listenForBackgroundSync();
  // Offline with changes waiting: ask the browser to wake the service worker once the network
  // is back (Background Sync, where it has it), so they sync even if this tab is hidden by then.
  const unsubscribeWrites = db.onWrite(() => {
    scheduler.written();
    if (browserOffline()) askForBackgroundSync();
  });
  const unsubscribeStatus = engine.subscribe((status) => {
    if (status.phase === 'offline' && status.pending > 0 && browserOffline() && !answeringWorker) askForBackgroundSync();
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
