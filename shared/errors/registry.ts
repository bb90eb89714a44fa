import { SERVER_ERRORS, type ErrorCode, type ErrorEntry, type ErrorStatus } from './codes.ts';
import { DEVICE_ERRORS, type DeviceErrorCode } from './device.ts';

// Looking codes up in the server's and the device's tables as one. A code arriving from the wire
// is a string (a newer server may know more codes), so the guards below come first.

/** Any code this app knows, the server's or its own. */
export type KnownErrorCode = ErrorCode | DeviceErrorCode;

// Disjoint (registry.test.ts checks it), so neither table hides the other's entry.
const ENTRIES: Readonly<Record<KnownErrorCode, ErrorEntry>> = { ...SERVER_ERRORS, ...DEVICE_ERRORS };

/** Whether `code` is one the server answers with. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(SERVER_ERRORS, code);
}

/** Whether `code` is one this app knows (the server's or its own). */
export function isKnownErrorCode(code: unknown): code is KnownErrorCode {
  return typeof code === 'string' && Object.hasOwn(ENTRIES, code);
}

/** The runner-facing words for a known code. */
export function wordsFor(code: KnownErrorCode): string {
  return ENTRIES[code].words;
}

/** The HTTP status the server answers `code` with. */
export function statusFor(code: ErrorCode): ErrorStatus {
  return SERVER_ERRORS[code].status;
}
