import type { DeviceMeta, UserDb } from './db.ts';

/** A fresh client id: `c_` and 22 random base64url characters (128 bits). */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return `c_${btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/** The device's sync state, created on first use (in a transaction, so two tabs agree on one). */
export async function ensureMeta(db: UserDb): Promise<DeviceMeta> {
  return db.transaction('rw', db.meta, async () => {
    const existing = await db.meta.get('device');
    if (existing) return existing;
    const meta: DeviceMeta = {
      key: 'device',
      clientId: newClientId(),
      nextMutationId: 1,
      cursor: null,
      hlc: null,
      serverOffset: 0,
      schemaVersion: null,
      lastSyncedAt: null,
    };
    await db.meta.put(meta);
    return meta;
  });
}

/** The device's sync state; call inside a transaction that includes `meta`. */
export async function readMeta(db: UserDb): Promise<DeviceMeta> {
  const meta = await db.meta.get('device');
  // ensureMeta runs when the store opens, so a missing row is a bug.
  if (!meta) throw new Error('device meta is missing: open the store with openUserStore()');
  return meta;
}

/** The server's clock as this device estimates it. */
export function serverNow(db: UserDb, meta: DeviceMeta): number {
  return db.now() + meta.serverOffset;
}
