// One tab syncs at a time (SYNC.md §Device), and the service worker may sync in the background.

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
