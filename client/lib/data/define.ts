import type { z } from 'zod';
import type { SyncedEntity } from '#shared/sync/protocol.ts';
import { ENTITY_KEYS, type ViewRow } from './db.ts';

// What a named mutation is on the device: its wire name and version, the zod schema of its
// args (the server's own), the rows it touches, and a pure local apply that predicts the
// server's effect with the same per-field last-writer-wins rule (docs/SYNC.md §Conflicts).

/** A row by entity and key. */
export interface RowRef {
  entity: SyncedEntity;
  key: string;
}

/** The map key of a row reference. */
export function refKey(entity: SyncedEntity, key: string): string {
  return `${entity}:${key}`;
}

/** What a local apply sees: the rows it declared, the write's clock and time. */
export interface ApplyContext {
  userId: string;
  /** The mutation's HLC. */
  hlc: string;
  /** When the write was made, ISO (local estimate; the server's value replaces it). */
  now: string;
  get(entity: SyncedEntity, key: string): ViewRow | undefined;
  put(entity: SyncedEntity, row: ViewRow): void;
}

export interface MutationDef<S extends z.ZodType = z.ZodType> {
  name: string;
  v: number;
  args: S;
  /** Every row the mutation reads or writes (the rebase recomputes exactly these). */
  keys(args: z.output<S>, userId: string): RowRef[];
  /** Predicts the server's effect; must do nothing where the server would reject. */
  apply(ctx: ApplyContext, args: z.output<S>): void;
}

/** Declares a mutation (keeps the args type flowing into keys and apply). */
export function defineMutation<S extends z.ZodType>(def: MutationDef<S>): MutationDef<S> {
  return def;
}

/**
 * Per-field last-writer-wins, as the server's applyFields: a field is set iff the mutation's
 * HLC is greater than the field's stored clock. Returns the new row, or null when nothing won.
 */
export function setFields(row: ViewRow, set: Record<string, unknown>, hlc: string): ViewRow | null {
  const next: ViewRow = { ...row, _hlc: { ...row._hlc } };
  let changed = false;
  for (const [field, value] of Object.entries(set)) {
    if (value === undefined) continue;
    const current = row._hlc[field];
    if (current !== undefined && current >= hlc) continue;
    next[field] = value;
    next._hlc[field] = hlc;
    changed = true;
  }
  return changed ? next : null;
}

/**
 * A copy-on-write set of rows that local applies run against. It holds exactly the declared
 * rows, so an apply that touches anything else is caught as a bug rather than lost on rebase.
 */
export class RowOverlay {
  private readonly rows: Map<string, ViewRow | undefined>;
  private readonly written = new Set<string>();

  constructor(base: Map<string, ViewRow | undefined>) {
    this.rows = new Map(base);
  }

  /** The context one mutation's apply runs with; writes are marked pending. */
  context(userId: string, hlc: string, now: string): ApplyContext {
    return {
      userId,
      hlc,
      now,
      get: (entity, key) => this.get(refKey(entity, key)),
      put: (entity, row) => this.put(refKey(entity, String(row[ENTITY_KEYS[entity]])), { ...row, _pending: true }),
    };
  }

  has(ref: string): boolean {
    return this.rows.has(ref);
  }

  get(ref: string): ViewRow | undefined {
    return this.rows.get(ref);
  }

  private put(ref: string, row: ViewRow): void {
    if (!this.rows.has(ref)) throw new Error(`a local apply wrote ${ref}, which its keys() did not declare`);
    this.rows.set(ref, row);
    this.written.add(ref);
  }

  /** Every row, written or not (for the rebase, which rewrites all it loaded). */
  entries(): IterableIterator<[string, ViewRow | undefined]> {
    return this.rows.entries();
  }

  /** Only the rows a mutation wrote. */
  writes(): [string, ViewRow][] {
    return [...this.written].map((ref) => [ref, this.rows.get(ref)!]);
  }
}

/** Splits a ref key back into entity and key. */
export function parseRefKey(ref: string): RowRef {
  const at = ref.indexOf(':');
  return { entity: ref.slice(0, at) as SyncedEntity, key: ref.slice(at + 1) };
}
