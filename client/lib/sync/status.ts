import type { TransportResponse } from './transport.ts';
import { ErrorBodySchema } from './wire.ts';

// What the engine tells the UI, and the words for each failure (one table, STYLE.md habit 3).

export type SyncErrorCode =
  | 'offline'
  | 'update_required'
  | 'signed_out'
  | 'client_id_taken'
  | 'server_unavailable'
  | 'too_large'
  | 'protocol_error'
  | 'storage_error'
  | 'stopped';

export interface SyncError {
  code: SyncErrorCode;
  message: string;
  /** False when trying again cannot help until the runner acts (update, sign in). */
  retry: boolean;
}

export interface SyncStatus {
  phase: 'idle' | 'syncing' | 'offline' | 'error';
  /** Changes the server has not received yet. */
  pending: number;
  error: SyncError | null;
  lastSyncedAt: number | null;
}

export type SyncOutcome = { ok: true } | { ok: false; error: SyncError };

const WORDS: Record<SyncErrorCode, [string, boolean]> = {
  offline: ['You are offline. Your changes are saved on this device and will sync when you are back online.', true],
  update_required: ['This version of RunCoach is too old to sync. Reload the app to update it.', false],
  signed_out: ['You are signed out. Sign in again to sync the changes saved on this device.', false],
  client_id_taken: ['The data on this device belongs to another account. Sign in again on this device.', false],
  server_unavailable: ['The RunCoach server is not answering right now. Your changes are safe and will sync later.', true],
  too_large: ['A change is too large to sync. It stays on this device; please tell us about it.', false],
  protocol_error: ['Sync failed unexpectedly. Your changes are safe on this device; it will try again.', true],
  storage_error: ['This device could not save sync data (storage full or blocked). Your changes may not sync.', true],
  stopped: ['Sync is stopped for this account.', false],
};

/** A sync error with its words. */
export function syncError(code: SyncErrorCode, detail?: string): SyncError {
  const [message, retry] = WORDS[code];
  return { code, message: detail ? `${message} (${detail})` : message, retry };
}

/** The failure an unsuccessful HTTP answer means. */
export function errorForResponse(response: TransportResponse): SyncError {
  const body = ErrorBodySchema.safeParse(response.json);
  const detail = body.success ? body.data.error.code : `HTTP ${response.status}`;
  if (response.status === 401) return syncError('signed_out');
  if (response.status === 403 && body.success && body.data.error.code === 'client_id_taken') return syncError('client_id_taken');
  if (response.status === 426) return syncError('update_required');
  if (response.status === 413) return syncError('too_large');
  if (response.status === 408 || response.status === 429 || response.status >= 500) return syncError('server_unavailable', detail);
  return syncError('protocol_error', detail);
}

/** What the sync badge shows. */
export type SyncSummary =
  | { kind: 'synced'; text: string }
  | { kind: 'syncing'; text: string }
  | { kind: 'pending'; pending: number; text: string }
  | { kind: 'offline'; pending: number; text: string }
  | { kind: 'error'; code: SyncErrorCode; text: string };

function changes(n: number): string {
  return n === 1 ? '1 change' : `${n} changes`;
}

/** One line for the badge: synced / syncing / offline with N pending / error with its reason. */
export function summarize(status: SyncStatus, pending: number): SyncSummary {
  const { phase, error } = status;
  if (phase === 'syncing') return { kind: 'syncing', text: 'Syncing…' };
  if (phase === 'offline') return { kind: 'offline', pending, text: `Offline · ${changes(pending)} waiting to sync` };
  if (phase === 'error' && error) return { kind: 'error', code: error.code, text: error.message };
  if (pending > 0) return { kind: 'pending', pending, text: `${changes(pending)} waiting to sync` };
  return { kind: 'synced', text: 'All changes synced' };
}
