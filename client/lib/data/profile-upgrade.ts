import type { Transaction } from 'dexie';
import { LEGACY_PROFILE_NAMES } from '#shared/schema/profile.ts';

type Row = Record<string, unknown>;

/** `value` with the profile's pre-issue-17 names under the new ones (a new name already there wins). */
function renamed<T>(value: Record<string, T> | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, v] of Object.entries(value ?? {})) {
    const name = LEGACY_PROFILE_NAMES[key];
    if (name === undefined) out[key] = v;
    else if (!(name in (value ?? {}))) out[name] = v;
  }
  return out;
}

/**
 * Dexie version 5 (server migration 0014, issue 17): the profile row, its server copy and their
 * field clocks under the new heart-rate names, so an offline runner keeps their figures before
 * the next pull brings the row again. Queued profile.update@1 changes keep the old names: the
 * mutation reads them as aliases, on the phone and on the server.
 */
export async function upgradeProfileNames(tx: Transaction): Promise<void> {
  await tx
    .table('server_user_profiles')
    .toCollection()
    .modify((record: { row: Row; hlc: Record<string, string> }) => {
      record.row = renamed(record.row);
      record.hlc = renamed(record.hlc);
    });
  await tx
    .table('user_profiles')
    .toCollection()
    .modify((row: Row, ref: { value: Row }) => {
      const { _hlc, ...fields } = row;
      ref.value = { ...renamed(fields), _hlc: renamed(_hlc as Record<string, string> | undefined) };
    });
}
