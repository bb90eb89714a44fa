import { describe, expect, it } from 'vitest';
import { compareHlc, formatHlc, nodeIdFor, parseHlc, receive, restamp, serverHlc, tick } from './hlc.ts';

const T = Date.parse('2026-03-02T07:15:09.120Z');
const node = nodeIdFor('c_device_a');

describe('hybrid logical clock', () => {
  it('formats and parses the documented shape', () => {
    const text = '2026-03-02T07:15:09.120Z-0000-8f3a1c0d9e2b4a67';
    expect(formatHlc(parseHlc(text)!)).toBe(text);
    expect(parseHlc('2026-03-02-garbage')).toBeNull();
    expect(node).toMatch(/^[0-9a-f]{16}$/);
    expect(nodeIdFor('c_device_a')).toBe(node);
    expect(nodeIdFor('c_device_b')).not.toBe(node);
  });

  it('never goes backwards when the wall clock does, and sorts as strings in time order', () => {
    const a = tick(null, T, node);
    const b = tick(a, T - 10_000, node); // wall clock stepped back
    const c = tick(b, T + 1, node);
    expect(compareHlc(b, a)).toBeGreaterThan(0);
    expect(compareHlc(c, b)).toBeGreaterThan(0);
    const strings = [c, a, b].map(formatHlc);
    expect([...strings].sort()).toEqual([a, b, c].map(formatHlc));
  });

  it('moves past a remote clock that is ahead', () => {
    const remote = { wallMs: T + 60_000, counter: 3, node: nodeIdFor('other') };
    const next = receive(tick(null, T, node), remote, T, node);
    expect(compareHlc(next, remote)).toBeGreaterThan(0);
    expect(next.node).toBe(node);
  });

  it('re-stamps clocks more than 5 minutes ahead of the server, and only those', () => {
    const fine = formatHlc({ wallMs: T + 4 * 60_000, counter: 1, node });
    expect(restamp(fine, T)).toBe(fine);
    const threeDaysAhead = formatHlc({ wallMs: T + 3 * 86_400_000, counter: 1, node });
    const restamped = restamp(threeDaysAhead, T);
    expect(parseHlc(restamped)).toEqual({ wallMs: T, counter: 1, node });
    expect(serverHlc(T) < formatHlc({ wallMs: T + 1, counter: 0, node: '0000000000000000' })).toBe(true);
  });
});
