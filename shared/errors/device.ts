import type { ErrorEntry } from './codes.ts';

// The device's own failures: no answer came, or the device refused before asking. None is an
// HTTP answer, so each has status 0. Sync's reasons are here too: they are what the sync badge says.

/** Codes only the app itself produces. */
export const DEVICE_ERRORS = {
  offline: { status: 0, words: 'Cannot reach RunCoach. Check your connection and try again.' },
  http_error: { status: 0, words: 'The server gave an answer this app does not understand. Please try again.' },
  reply_cut_off: { status: 0, words: 'The reply was cut off. Try again.' },
  device_error: { status: 0, words: 'Something went wrong on this device. Please try again.' },
  invalid_change: { status: 0, words: 'That change is not valid.' },
  fit_unreadable: { status: 0, words: 'That file could not be read as a run.' },

  // Sync's reasons besides `offline` and the server's own codes (client/lib/sync/status.ts says
  // which a retry can fix)
  update_required: { status: 0, words: 'This version of RunCoach is too old to sync. Reload the app to update it.' },
  signed_out: { status: 0, words: 'You are signed out. Sign in again to sync the changes saved on this device.' },
  server_unavailable: { status: 0, words: 'The RunCoach server is not answering right now. Your changes are safe and will sync later.' },
  too_large: { status: 0, words: 'A change is too large to sync. It stays on this device; please tell us about it.' },
  protocol_error: { status: 0, words: 'Sync failed unexpectedly. Your changes are safe on this device; it will try again.' },
  storage_error: { status: 0, words: 'This device could not save sync data (storage full or blocked). Your changes may not sync.' },
  stopped: { status: 0, words: 'Sync is stopped for this account.' },
} as const satisfies Record<string, ErrorEntry>;

/** A code the app produces itself. */
export type DeviceErrorCode = keyof typeof DEVICE_ERRORS;
