import type { SyncOutcome } from './status.ts';

// One tab syncs at a time (docs/SYNC.md §Device), and the service worker may sync in the background.

/** Runs `run` while holding the lock `name`. */
export type SyncLock = <T>(name: string, run: () => Promise<T>) => Promise<T>;

/** Web Locks where the browser has them; elsewhere (old browsers, Node tests) runs directly. */
export const webLock: SyncLock = (name, run) => {
  const locks = typeof navigator === 'undefined' ? undefined : (navigator as Partial<Navigator>).locks;
  return locks ? locks.request(name, () => run()) : run();
};

/** Runs directly, holding nothing (tests, where each simulated device is its own "browser"). */
export const noLock: SyncLock = (_name, run) => run();

/** The lock name of a runner's sync, shared by all their tabs. */
export function syncLockName(userId: string): string {
  return `runcoach-sync-${userId}`;
}

/** The Background Sync tag the service worker listens for. */
export const BACKGROUND_SYNC_TAG = 'runcoach-sync';

interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

/**
 * Asks the browser to wake the service worker when it is back online, so changes made offline
 * sync even after the tab is closed. Returns false where Background Sync is missing or refused.
 */
export async function registerBackgroundSync(registration: ServiceWorkerRegistration | undefined): Promise<boolean> {
  const manager = (registration as (ServiceWorkerRegistration & { sync?: SyncManagerLike }) | undefined)?.sync;
  if (!manager) return false;
  try {
    await manager.register(BACKGROUND_SYNC_TAG);
    return true;
  } catch {
    return false; // permission denied or the browser gave up: the tab's own triggers still run
  }
}

// The service worker's side (client/static/sw-sync.js) holds no database: on a Background Sync
// event it asks the open tabs to sync, over a MessageChannel, and waits for their answer.

/** The message type the service worker posts to a tab to ask for a sync now. */
export const SYNC_REQUEST = 'runcoach:sync';

/** A tab's answer to the service worker (`retry`: the browser should fire the event again later). */
export interface SyncAnswer {
  type: 'runcoach:synced';
  ok: boolean;
  code?: string;
  retry: boolean;
}

/**
 * Answers the service worker's sync request, if `data` is one: runs `sync` (null when this tab
 * syncs no runner) and replies on `port` once it settles. Returns false for any other message.
 */
export function answerSyncRequest(data: unknown, port: MessagePort | undefined, sync: (() => Promise<SyncOutcome>) | null): boolean {
  if (typeof data !== 'object' || data === null || (data as { type?: unknown }).type !== SYNC_REQUEST || !port) return false;
  const reply = (answer: Omit<SyncAnswer, 'type'>) => port.postMessage({ type: 'runcoach:synced', ...answer } satisfies SyncAnswer);
  // A tab that is signed out has nothing to sync; another tab, or the next start, does it.
  if (!sync) {
    reply({ ok: false, code: 'not_syncing', retry: false });
    return true;
  }
  sync().then(
    (outcome) => reply(outcome.ok ? { ok: true, retry: false } : { ok: false, code: outcome.error.code, retry: outcome.error.retry }),
    () => reply({ ok: false, code: 'failed', retry: true }), // sync() reports failures as outcomes; belt and braces
  );
  return true;
}
