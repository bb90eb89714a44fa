import { describe, expect, it } from 'vitest';
import { errorForResponse, summarize, syncError, type SyncStatus } from './status.ts';

const status = (patch: Partial<SyncStatus>): SyncStatus => ({ phase: 'idle', pending: 0, error: null, lastSyncedAt: null, ...patch });

describe('sync status in words', () => {
  it('summarizes each state for the badge', () => {
    expect(summarize(status({}), 0)).toEqual({ kind: 'synced', text: 'All changes synced' });
    expect(summarize(status({}), 2)).toEqual({ kind: 'pending', pending: 2, refused: 0, text: '2 changes waiting to sync' });
    expect(summarize(status({ phase: 'syncing' }), 2).kind).toBe('syncing');
    expect(summarize(status({ phase: 'offline', error: syncError('offline') }), 1)).toEqual({
      kind: 'offline',
      pending: 1,
      refused: 0,
      text: 'Offline · 1 change waiting to sync',
    });
    expect(summarize(status({ phase: 'error', error: syncError('update_required') }), 1)).toMatchObject({
      kind: 'error',
      code: 'update_required',
      text: expect.stringContaining('Reload the app'),
    });
  });

  it('maps HTTP answers to reasons, and says which ones a retry can fix', () => {
    expect(errorForResponse({ status: 426, json: null })).toMatchObject({ code: 'update_required', retry: false });
    expect(errorForResponse({ status: 401, json: null })).toMatchObject({ code: 'signed_out', retry: false });
    expect(errorForResponse({ status: 403, json: { error: { code: 'client_id_taken', message: '…' } } })).toMatchObject({
      code: 'client_id_taken',
      retry: false,
    });
    expect(errorForResponse({ status: 503, json: { error: { code: 'unavailable', message: '…' } } })).toMatchObject({
      code: 'server_unavailable',
      retry: true,
    });
    expect(errorForResponse({ status: 502, json: '<html>' })).toMatchObject({ code: 'server_unavailable', message: expect.stringContaining('HTTP 502') });
    expect(errorForResponse({ status: 400, json: { error: { code: 'validation_failed', message: '…' } } })).toMatchObject({
      code: 'protocol_error',
      retry: true,
    });
  });
});
