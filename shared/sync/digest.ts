// A digest of a user's synced data, computed the same way on the server and on a device, so
// tests and support can prove convergence (docs/SYNC.md §G3) without shipping all rows around.

/** JSON with object keys sorted, so equal data gives equal text on every device. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** FNV-1a 64-bit of a string, hex: enough to compare data, not a security hash. */
export function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

export interface EntityDigest {
  count: number;
  hash: string;
}

/** The digest of one entity's rows: their count and a hash over the rows sorted by id. */
export function digestRows(rows: ReadonlyArray<Record<string, unknown>>, key: string): EntityDigest {
  const sorted = [...rows].sort((a, b) => (String(a[key]) < String(b[key]) ? -1 : 1));
  return { count: sorted.length, hash: fnv1a64(sorted.map(canonicalJson).join('\n')) };
}
