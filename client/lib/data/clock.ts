import { formatHlc, MAX_CLOCK_AHEAD_MS, parseHlc, receive, tick, type Hlc } from '#shared/sync/hlc.ts';

// The device's hybrid logical clock, on the server's time (wall clock + serverOffset).
// A device whose clock once ran far ahead would otherwise stay in the future forever (an HLC
// never goes back); the server re-stamps such writes anyway, so the device may pull its clock
// back to the server's time, keeping the counter so it still orders after what it issued.

function sane(last: string | null, nowMs: number): Hlc | null {
  const parsed = last ? parseHlc(last) : null;
  if (parsed && parsed.wallMs - nowMs > MAX_CLOCK_AHEAD_MS) return { ...parsed, wallMs: nowMs };
  return parsed;
}

/** The next HLC for a local write at server time `nowMs`. */
export function localTick(last: string | null, nowMs: number, node: string): string {
  return formatHlc(tick(sane(last, nowMs), nowMs, node));
}

/** Advances the clock past `remote` (a row clock from a pull), unless it is implausibly far ahead. */
export function localReceive(last: string | null, remote: string, nowMs: number, node: string): string | null {
  const parsed = parseHlc(remote);
  const current = sane(last, nowMs);
  if (!parsed || parsed.wallMs - nowMs > MAX_CLOCK_AHEAD_MS) return current ? formatHlc(current) : last;
  return formatHlc(receive(current, parsed, nowMs, node));
}

/** The greatest of some HLC strings (they sort as text), or null. */
export function maxHlc(values: Iterable<string>): string | null {
  let max: string | null = null;
  for (const value of values) if (max === null || value > max) max = value;
  return max;
}
