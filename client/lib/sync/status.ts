import { wordsFor, type KnownErrorCode } from '#shared/errors/registry.ts';
import { errorCode } from '../errors.ts';
import type { TransportResponse } from './transport.ts';
import { ErrorBodySchema } from './wire.ts';

// What the engine tells the UI. The words for each failure are the registry's
// (shared/errors/device.ts and codes.ts); this table says only which a retry can fix.

/** Whether trying again can help, per sync failure; false until the runner acts (update, sign in). */
const RETRY = {
  offline: true,
  update_required: false,
  signed_out: false,
  client_id_taken: false,
  server_unavailable: true,
  too_large: false,
  protocol_error: true,
  storage_error: true,
  stopped: false,
} as const satisfies Partial<Record<KnownErrorCode, boolean>>;

export type SyncErrorCode = keyof typeof RETRY;

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

/** A sync error with its words. */
export function syncError(code: SyncErrorCode, detail?: string): SyncError {
  const message = wordsFor(code);
  return { code, message: detail ? `${message} (${detail})` : message, retry: RETRY[code] };
}

/** The failure an unsuccessful HTTP answer means. */
export function errorForResponse(response: TransportResponse): SyncError {
  const body = ErrorBodySchema.safeParse(response.json);
  const detail = body.success ? body.data.error.code : `HTTP ${response.status}`;
  if (response.status === 401) return syncError('signed_out');
  if (response.status === 403 && body.success && errorCode(body.data.error) === 'client_id_taken') return syncError('client_id_taken');
  if (response.status === 426) return syncError('update_required');
  if (response.status === 413) return syncError('too_large');
  if (response.status === 408 || response.status === 429 || response.status >= 500) return syncError('server_unavailable', detail);
  return syncError('protocol_error', detail);
}

/** What the sync badge shows; `refused` counts the changes the server would not save (issue 18 §2). */
export type SyncSummary =
  | { kind: 'synced'; text: string }
  | { kind: 'syncing'; text: string }
  | { kind: 'pending'; pending: number; refused: number; text: string }
  | { kind: 'offline'; pending: number; refused: number; text: string }
  | { kind: 'refused'; refused: number; text: string }
  | { kind: 'error'; code: SyncErrorCode; text: string };

function changes(n: number): string {
  return n === 1 ? '1 change' : `${n} changes`;
}

/**
 * One line for the badge: synced / syncing / offline with N pending / error with its reason,
 * and the changes the server refused (not dismissed yet), so a refusal never reads as synced.
 */
export function summarize(status: SyncStatus, pending: number, refused = 0): SyncSummary {
  const { phase, error } = status;
  const notSaved = refused > 0 ? ` · ${changes(refused)} not saved` : '';
  if (phase === 'syncing') return { kind: 'syncing', text: 'Syncing…' };
  if (phase === 'offline') return { kind: 'offline', pending, refused, text: `Offline · ${changes(pending)} waiting to sync${notSaved}` };
  if (phase === 'error' && error) return { kind: 'error', code: error.code, text: error.message };
  if (pending > 0) return { kind: 'pending', pending, refused, text: `${changes(pending)} waiting to sync${notSaved}` };
  if (refused > 0) return { kind: 'refused', refused, text: `${changes(refused)} not saved` };
  return { kind: 'synced', text: 'All changes synced' };
}
