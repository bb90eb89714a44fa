import { describe, expect, it } from 'vitest';
import { MAX_CLOCK_AHEAD_MS, parseHlc } from '#shared/sync/hlc.ts';
import { localReceive, localTick, maxHlc } from './clock.ts';

const NODE = '0123456789abcdef';
const T = Date.parse('2026-03-02T07:00:00Z');

describe('the device clock', () => {
  it('ticks strictly forward, even when the wall clock stands still or goes back', () => {
    const a = localTick(null, T, NODE);
    const b = localTick(a, T, NODE);
    const c = localTick(b, T - 10_000, NODE);
    expect(a < b && b < c).toBe(true);
  });

  it('pulls a clock that ran far ahead back to server time, still after what it issued that millisecond', () => {
    const ahead = localTick(null, T + 3 * 86_400_000, NODE);
    const next = localTick(ahead, T, NODE);
    expect(parseHlc(next)).toMatchObject({ wallMs: T, counter: 1 });
    // A small lead (under the server's 5 minutes) is kept: HLCs stay monotonic.
    const slightly = localTick(null, T + 60_000, NODE);
    expect(parseHlc(localTick(slightly, T, NODE))!.wallMs).toBe(T + 60_000);
  });

  it('moves past a received clock, but ignores one implausibly far ahead', () => {
    const remote = localTick(null, T + 1000, 'ffffffffffffffff');
    const received = localReceive(localTick(null, T, NODE), remote, T, NODE)!;
    expect(received > remote).toBe(true);
    expect(parseHlc(received)!.node).toBe(NODE);
    const far = localTick(null, T + MAX_CLOCK_AHEAD_MS + 60_000, 'ffffffffffffffff');
    expect(localReceive(null, far, T, NODE)).toBeNull();
    const mine = localTick(null, T, NODE);
    expect(localReceive(mine, far, T, NODE)).toBe(mine);
  });

  it('finds the greatest clock', () => {
    expect(maxHlc([])).toBeNull();
    expect(maxHlc(['b', 'c', 'a'])).toBe('c');
  });
});
