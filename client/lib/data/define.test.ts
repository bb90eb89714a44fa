import { describe, expect, it } from 'vitest';
import type { ViewRow } from './db.ts';
import { RowOverlay, setFields } from './define.ts';

const h = (ms: number, counter = 0, node = 'aaaaaaaaaaaaaaaa') => `${new Date(ms).toISOString()}-${counter.toString(16).padStart(4, '0')}-${node}`;
const row = (fields: Record<string, unknown>, clocks: Record<string, string>): ViewRow => ({ id: 'g1', ...fields, _hlc: clocks });

describe('setFields (per-field last writer wins, as the server)', () => {
  it('sets a field whose clock is newer, keeps one whose clock is newer than the write', () => {
    const base = row({ title: 'old', status: 'active' }, { title: h(1000), status: h(3000) });
    const next = setFields(base, { title: 'new', status: 'completed' }, h(2000));
    expect(next).toMatchObject({ title: 'new', status: 'active', _hlc: { title: h(2000), status: h(3000) } });
  });

  it('treats an equal clock as already applied (the server answers the same)', () => {
    expect(setFields(row({ title: 'a' }, { title: h(1000) }), { title: 'b' }, h(1000))).toBeNull();
  });

  it('applies to a field that has no clock yet, and `deleted` is just a field', () => {
    expect(setFields(row({ deleted: false }, {}), { deleted: true }, h(1))).toMatchObject({ deleted: true, _hlc: { deleted: h(1) } });
  });

  it('ignores undefined values and does not change its input', () => {
    const base = row({ title: 'a' }, { title: h(1) });
    expect(setFields(base, { title: undefined }, h(2))).toBeNull();
    setFields(base, { title: 'b' }, h(2));
    expect(base).toEqual(row({ title: 'a' }, { title: h(1) }));
  });

  it('orders by counter, then node, within one millisecond', () => {
    const base = row({ title: 'a' }, { title: h(5, 1, 'bbbbbbbbbbbbbbbb') });
    expect(setFields(base, { title: 'b' }, h(5, 1, 'aaaaaaaaaaaaaaaa'))).toBeNull();
    expect(setFields(base, { title: 'b' }, h(5, 1, 'cccccccccccccccc'))).not.toBeNull();
    expect(setFields(base, { title: 'b' }, h(5, 2, 'aaaaaaaaaaaaaaaa'))).not.toBeNull();
  });
});

describe('RowOverlay', () => {
  it('lets an apply write only the rows it declared, and marks them pending', () => {
    const overlay = new RowOverlay(new Map([['goals:g1', undefined]]));
    const ctx = overlay.context('u1', h(1), new Date(1).toISOString());
    ctx.put('goals', { id: 'g1', _hlc: {} });
    expect(overlay.writes()).toEqual([['goals:g1', { id: 'g1', _hlc: {}, _pending: true }]]);
    expect(() => ctx.put('goals', { id: 'g2', _hlc: {} })).toThrow(/did not declare/);
  });
});
