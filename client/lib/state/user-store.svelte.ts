import type { User } from '#shared/schema/auth.ts';
import type { UserDb } from '../data/db.ts';
import { closeUserStore, eraseUserStore } from '../data/store.ts';
import { startUserSync } from '../sync/start.ts';
import { session } from './session.svelte.ts';
import { syncState } from './sync.svelte.ts';

// The signed-in runner's device store for screens: opened (and synced) on sign-in, closed on
// sign-out. The last signed-in user is remembered so the app opens offline on the phone's data.

const LAST_USER = 'runcoach.lastUser';
/** How long a session check may take before the app opens on the device's data. */
const SESSION_CHECK_MS = 4000;

const REMOVED = "This phone's copy of your data was removed.";

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class UserStore {
  db = $state.raw<UserDb | null>(null);
  /** Set when the session could not be checked because the device is offline. */
  offlineSession = $state(false);
  /** What leaving did to this device's copy of the runner's data, said once on the signed-out screens. */
  notice = $state<string | null>(null);
  /**
   * True while signing out or forgetting: the store is closed before the session ends, and the
   * screens must not open it again in between (that would re-create the database being erased).
   */
  leaving = $state(false);

  /**
   * Asks the server who is signed in. Only its "not signed in" (a 401) signs the runner out:
   * when it cannot be asked — offline, a proxy's 502, a connection that never answers at the
   * trailhead — the last runner seen on this device keeps their screens and their data (issue 18 §6).
   */
  async resume(): Promise<void> {
    const cached = readLastUser();
    const check = session.refresh().then(
      () => 'answered' as const,
      (error: unknown) => error,
    );
    // With a runner to fall back on, a check that hangs is not waited for; its answer still counts when it comes.
    const outcome = cached ? await Promise.race([check, delay(SESSION_CHECK_MS).then(() => 'unanswered' as const)]) : await check;
    if (outcome === 'answered') this.offlineSession = false;
    else {
      if (cached) {
        session.user = cached;
        this.offlineSession = true;
      }
      session.loaded = true;
      if (outcome === 'unanswered') void check.then((late) => this.settleLateCheck(late));
    }
    if (session.user) await this.open(session.user);
  }

  /** A session check answered after the app went on without it: a 401 now signs out, a runner confirms the session. */
  private async settleLateCheck(outcome: unknown): Promise<void> {
    if (outcome !== 'answered') return;
    this.offlineSession = false;
    if (!session.user) await this.close();
  }

  /** Opens the runner's store and starts syncing it (after sign-in or registration). */
  async open(user: User): Promise<UserDb> {
    localStorage.setItem(LAST_USER, JSON.stringify(user));
    this.notice = null;
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
    this.leaving = true;
    try {
      await this.close();
      if (userId && unsent === 0) await eraseUserStore(userId);
      await session.signOut().catch(() => {
        session.user = null;
        session.profile = null;
      });
    } finally {
      this.leaving = false;
    }
    this.notice =
      unsent === 0
        ? REMOVED
        : `${unsent === 1 ? '1 change that has' : `${unsent} changes that have`} not reached the server yet ${unsent === 1 ? 'stays' : 'stay'} on this phone and ${unsent === 1 ? 'is' : 'are'} sent when you sign in here again.`;
  }

  /** After the account was deleted on the server: nothing of the runner stays on this device. */
  async forget(): Promise<void> {
    const userId = session.user?.id ?? this.db?.userId;
    this.leaving = true;
    try {
      await this.close();
      if (userId) await eraseUserStore(userId);
      session.user = null;
      session.profile = null;
    } finally {
      this.leaving = false;
    }
    this.notice = REMOVED;
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
