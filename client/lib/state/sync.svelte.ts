import type { RejectedEntry } from '../data/db.ts';
import { pendingCount$ } from '../data/readers.ts';
import { dismissRejected, rejected$ } from '../data/rejected.ts';
import type { UserSync } from '../sync/start.ts';
import { summarize, type SyncStatus, type SyncSummary } from '../sync/status.ts';

/** The sync status and the refused changes, for every screen (one rune singleton). */
class SyncState {
  status = $state<SyncStatus>({ phase: 'idle', pending: 0, error: null, lastSyncedAt: null });
  /** Changes not yet on the server, live (the engine's count is only as fresh as its last run). */
  pending = $state(0);
  rejected = $state<RejectedEntry[]>([]);
  private sync: UserSync | null = null;
  private stops: (() => void)[] = [];

  /** One line for the badge: synced / syncing / offline with N pending / error with its reason / N not saved. */
  get summary(): SyncSummary {
    return summarize(this.status, this.pending, this.rejected.length);
  }

  /** Follows a runner's sync; call with the result of startUserSync, detach on sign-out. */
  attach(sync: UserSync): void {
    this.detach();
    this.sync = sync;
    this.stops.push(sync.engine.subscribe((status) => (this.status = status)));
    const pending = pendingCount$(sync.db).subscribe((n) => (this.pending = n));
    const rejected = rejected$(sync.db).subscribe((entries) => (this.rejected = entries));
    this.stops.push(
      () => pending.unsubscribe(),
      () => rejected.unsubscribe(),
    );
  }

  /** Stops following (sign-out) and forgets what was shown. */
  detach(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.sync = null;
    this.status = { phase: 'idle', pending: 0, error: null, lastSyncedAt: null };
    this.pending = 0;
    this.rejected = [];
  }

  /** "Sync now" (also retries after an error). */
  syncNow(): void {
    this.sync?.scheduler.request();
  }

  /** Hides a refused change the runner has read. */
  async dismiss(key: string): Promise<void> {
    if (this.sync) await dismissRejected(this.sync.db, key);
  }
}

export const syncState = new SyncState();
