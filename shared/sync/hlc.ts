// Hybrid logical clocks (docs/SYNC.md §Conflicts): `2026-03-02T07:15:09.120Z-0000-8f3a1c0d9e2b4a67`,
// ISO time with ms, a 4-hex counter, a 16-hex node id. Fixed width, so string order is time order.

const HLC_PATTERN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)-([0-9a-f]{4})-([0-9a-f]{16})$/;

/** The node id the server stamps its own writes with (REST, jobs, coach). */
export const SERVER_NODE = '0000000000000000';
/** Clocks further ahead of the server than this are re-stamped (never rejected). */
export const MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000;

export interface Hlc {
  wallMs: number;
  counter: number;
  node: string;
}

/** Parses an HLC string; null when it is not one. */
export function parseHlc(value: string): Hlc | null {
  const match = HLC_PATTERN.exec(value);
  if (!match) return null;
  const wallMs = Date.parse(match[1]!);
  // Date.parse rolls impossible days over (2026-02-30 → March 2): only a time that reads back
  // unchanged is one, or two clocks' string order and time order would disagree.
  if (!Number.isFinite(wallMs) || new Date(wallMs).toISOString() !== match[1]) return null;
  return { wallMs, counter: parseInt(match[2]!, 16), node: match[3]! };
}

/** Formats an HLC as its sortable string. */
export function formatHlc(hlc: Hlc): string {
  return `${new Date(hlc.wallMs).toISOString()}-${hlc.counter.toString(16).padStart(4, '0')}-${hlc.node}`;
}

/** True when `value` is a well-formed HLC string. */
export function isHlc(value: string): boolean {
  return parseHlc(value) !== null;
}

/** A node id (16 hex) derived from a client id, stable for that client. */
export function nodeIdFor(clientId: string): string {
  // FNV-1a 64-bit: no crypto needed, only a stable spread of client ids.
  let hash = 0xcbf29ce484222325n;
  for (const char of clientId) {
    hash ^= BigInt(char.codePointAt(0)!);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

/** The next local timestamp: after both the wall clock and the last one issued. */
export function tick(last: Hlc | null, nowMs: number, node: string): Hlc {
  if (!last || nowMs > last.wallMs) return { wallMs: nowMs, counter: 0, node };
  if (last.counter < 0xffff) return { wallMs: last.wallMs, counter: last.counter + 1, node };
  return { wallMs: last.wallMs + 1, counter: 0, node };
}

/** Advances the local clock past a timestamp received from elsewhere. */
export function receive(last: Hlc | null, remote: Hlc, nowMs: number, node: string): Hlc {
  const latest = last && compareHlc(last, remote) > 0 ? last : remote;
  if (nowMs > latest.wallMs) return { wallMs: nowMs, counter: 0, node };
  return tick({ ...latest, node }, latest.wallMs, node);
}

/** Orders two clocks: wall time, then counter, then node id. */
export function compareHlc(a: Hlc, b: Hlc): number {
  return a.wallMs - b.wallMs || a.counter - b.counter || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);
}

/**
 * The timestamp the server records for a client's write: the client's own, unless its clock
 * runs more than 5 minutes ahead, in which case the server's time (same node, counter kept).
 */
export function restamp(value: string, serverNowMs: number): string {
  const hlc = parseHlc(value);
  if (!hlc) throw new Error(`not an HLC: ${value}`);
  return hlc.wallMs - serverNowMs > MAX_CLOCK_AHEAD_MS ? formatHlc({ ...hlc, wallMs: serverNowMs }) : value;
}

/** An HLC for a write the server makes itself, at `nowMs`. */
export function serverHlc(nowMs: number): string {
  return formatHlc({ wallMs: nowMs, counter: 0, node: SERVER_NODE });
}
