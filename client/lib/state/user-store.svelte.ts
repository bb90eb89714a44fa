import type { User } from '#shared/schema/auth.ts';
import type { UserDb } from '../data/db.ts';
import { closeUserStore, eraseUserStore } from '../data/store.ts';
import { errorCode } from '../errors.ts';
import { startUserSync } from '../sync/start.ts';
import { session } from './session.svelte.ts';
import { syncState } from './sync.svelte.ts';

// The signed-in runner's device store for screens: opened (and synced) on sign-in, closed on
// sign-out. The last signed-in user is remembered so the app opens offline on the phone's data.

const LAST_USER = 'runcoach.lastUser';

class UserStore {
  db = $state.raw<UserDb | null>(null);
  /** Set when the session could not be checked because the device is offline. */
  offlineSession = $state(false);

  /** Asks the server who is signed in; offline, trusts the last runner seen on this device. */
  async resume(): Promise<void> {
    try {
      await session.refresh();
      this.offlineSession = false;
    } catch (error) {
      const cached = readLastUser();
      if (errorCode(error) === 'offline' && cached) {
        session.user = cached;
        this.offlineSession = true;
      }
      session.loaded = true;
    }
    if (session.user) await this.open(session.user);
  }

  /** Opens the runner's store and starts syncing it (after sign-in or registration). */
  async open(user: User): Promise<UserDb> {
    localStorage.setItem(LAST_USER, JSON.stringify(user));
    if (this.db?.userId === user.id) return this.db;
    const sync = await startUserSync(user.id);
    syncState.attach(sync);
    this.db = sync.db;
    return sync.db;
  }

  /**
   * Before signing out: pushes waiting changes while this runner's session still holds (never
   * with another's) and returns how many are still unsent (offline, or the server refused to answer).
   */
  async pushPending(): Promise<number> {
    const db = this.db;
    if (!db) return 0;
    if (navigator.onLine && session.user) {
      try {
        await (await startUserSync(session.user.id)).engine.sync();
      } catch {
        // The count below tells the runner what stays on this device.
      }
    }
    return unsentCount(db);
  }

  /**
   * Ends the session and erases the runner's data from this device — unless it still holds
   * changes the server has not got: the runner was told those stay here and are sent at their
   * next sign-in on this device (pushPending), and erasing them would lose their work.
   */
  async signOut(): Promise<void> {
    const userId = session.user?.id ?? this.db?.userId;
    const unsent = this.db ? await unsentCount(this.db) : 0;
    await this.close();
    if (userId && unsent === 0) await eraseUserStore(userId);
    await session.signOut().catch(() => {
      session.user = null;
      session.profile = null;
    });
  }

  /** After the account was deleted on the server: nothing of the runner stays on this device. */
  async forget(): Promise<void> {
    const userId = session.user?.id ?? this.db?.userId;
    await this.close();
    if (userId) await eraseUserStore(userId);
    session.user = null;
    session.profile = null;
  }

  private async close(): Promise<void> {
    syncState.detach();
    this.db = null;
    await closeUserStore();
    localStorage.removeItem(LAST_USER);
  }
}

/** Changes on this device the server has not acknowledged. */
function unsentCount(db: UserDb): Promise<number> {
  return db.outbox.filter((entry) => !entry.result && !entry.confirmed).count();
}

function readLastUser(): User | null {
  try {
    return JSON.parse(localStorage.getItem(LAST_USER) ?? 'null') as User | null;
  } catch {
    return null;
  }
}

export const userStore = new UserStore();
