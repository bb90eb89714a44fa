import { digestRows, type EntityDigest } from '#shared/sync/digest.ts';
import { SYNCED_ENTITIES, type SyncedEntity } from '#shared/sync/protocol.ts';
import { ENTITY_KEYS, type UserDb } from '../data/db.ts';

/**
 * The device's digest of the server state it holds, computed exactly as GET /api/sync/digest
 * computes the server's (G3): equal digests mean equal data.
 */
export async function deviceDigest(db: UserDb): Promise<Record<SyncedEntity, EntityDigest>> {
  return db.transaction(
    'r',
    SYNCED_ENTITIES.map((entity) => db.server(entity)),
    async () => {
      const entities = {} as Record<SyncedEntity, EntityDigest>;
      for (const entity of SYNCED_ENTITIES) {
        const rows = (await db.server(entity).toArray()).map((record) => record.row);
        entities[entity] = digestRows(rows, ENTITY_KEYS[entity]);
      }
      return entities;
    },
  );
}
