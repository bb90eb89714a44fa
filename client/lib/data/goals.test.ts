import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutboxEntry, ViewRow } from './db.ts';
import { RowOverlay } from './define.ts';
import { goalCreate, goalDelete, goalUpdate } from './goals.ts';
import { profileUpdate } from './profile.ts';
import { rebaseRows } from './rebase.ts';

const USER = '00000000-0000-4000-8000-000000000001';
const GOAL = '00000000-0000-4000-8000-0000000000aa';
const h = (ms: number, node = 'aaaaaaaaaaaaaaaa') => `${new Date(Date.parse('2026-03-02T07:00:00Z') + ms).toISOString()}-0000-${node}`;
const race = { goal_type: 'race', target_race_distance_meters: 21097.5, target_race_date: '2026-09-20' } as const;

/** Runs one definition's apply against `rows`, returning the rows after it. */
function run<A>(def: { apply(ctx: ReturnType<RowOverlay['context']>, args: A): void }, rows: Map<string, ViewRow | undefined>, args: A, hlc: string) {
  const overlay = new RowOverlay(rows);
  def.apply(overlay.context(USER, hlc, '2026-03-02T07:00:00.000Z'), args);
  return new Map(overlay.entries());
}

const created = () => run(goalCreate, new Map([[`goals:${GOAL}`, undefined]]), { id: GOAL, goal: race }, h(0));

describe('goal mutations, applied locally as the server applies them', () => {
  it('creates a goal row shaped like the server\'s, titled the server\'s way, its fields clocked', () => {
    const goal = created().get(`goals:${GOAL}`)!;
    expect(goal).toMatchObject({ id: GOAL, user_id: USER, title: 'Half marathon on 2026-09-20', target_time_seconds: null, status: 'active', deleted: false, _pending: true });
    expect(Object.keys(goal._hlc).sort()).toEqual(['goal_type', 'target_race_date', 'target_race_distance_meters', 'target_time_seconds', 'title']);
  });

  it('does nothing where the server would refuse: a second create, an edit of a deleted goal, a field of the other goal type', () => {
    const rows = created();
    expect(run(goalCreate, rows, { id: GOAL, goal: { ...race, title: 'again' } }, h(1)).get(`goals:${GOAL}`)!.title).toBe('Half marathon on 2026-09-20');
    expect(run(goalUpdate, rows, { id: GOAL, set: { target_weekly_mileage_miles: 30 } }, h(1)).get(`goals:${GOAL}`)).toEqual(rows.get(`goals:${GOAL}`));
    const deleted = run(goalDelete, rows, { id: GOAL }, h(1));
    expect(deleted.get(`goals:${GOAL}`)).toMatchObject({ deleted: true });
    expect(run(goalUpdate, deleted, { id: GOAL, set: { title: 'too late' } }, h(2)).get(`goals:${GOAL}`)!.title).not.toBe('too late');
  });

  it('edits the profile, starting from the registration defaults if it has not been pulled yet', () => {
    const rows = run(profileUpdate, new Map([[`user_profiles:${USER}`, undefined]]), { set: { units: 'km' } }, h(0));
    expect(rows.get(`user_profiles:${USER}`)).toMatchObject({ user_id: USER, units: 'km', target_type: 'pace', time_zone: 'UTC', _hlc: { units: h(0) } });
  });
});

describe('rebase', () => {
  const entry = (id: number, name: string, args: unknown, hlc: string): OutboxEntry => ({ id, name, v: 1, hlc, args, createdAt: 0 });

  it('re-applies pending mutations in id order on top of the server state', () => {
    const server = new Map<string, ViewRow | undefined>([[`goals:${GOAL}`, { ...created().get(`goals:${GOAL}`)!, _pending: undefined } as ViewRow]]);
    const rows = rebaseRows(server, [entry(2, 'goal.update', { id: GOAL, set: { title: 'B' } }, h(20)), entry(1, 'goal.update', { id: GOAL, set: { title: 'A', status: 'completed' } }, h(10))], USER);
    expect(rows.get(`goals:${GOAL}`)).toMatchObject({ title: 'B', status: 'completed', _pending: true });
  });

  it('skips a mutation this build does not know, and leaves untouched rows as the server sent them', () => {
    const server = new Map<string, ViewRow | undefined>([[`goals:${GOAL}`, { id: GOAL, title: 'S', _hlc: {} }]]);
    expect(rebaseRows(server, [entry(1, 'goal.teleport', { id: GOAL }, h(1))], USER)).toEqual(server);
  });

  it('converges whatever order edits arrive in (per-field LWW commutes)', () => {
    const fields = fc.record({ title: fc.constantFrom('A', 'B', 'C'), status: fc.constantFrom('active', 'completed', 'abandoned'), target_time_seconds: fc.integer({ min: 3000, max: 9000 }) }, { requiredKeys: [] });
    const edits = fc.array(fc.record({ set: fields, at: fc.integer({ min: 1, max: 50 }), node: fc.constantFrom('aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb') }), { minLength: 1, maxLength: 8 });
    const order = fc.array(fc.double({ noNaN: true }), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(edits, order, (list, keys) => {
        // Every mutation has its own clock (a node never issues one twice): the counter tells apart equal times.
        const stamped = list
          .filter((edit) => Object.keys(edit.set).length > 0)
          .map((edit, i) => ({ set: edit.set, hlc: h(edit.at, edit.node).replace('-0000-', `-${i.toString(16).padStart(4, '0')}-`) }));
        const apply = (arrival: typeof stamped) => {
          const pending = arrival.map((edit, i) => entry(i + 1, 'goal.update', { id: GOAL, set: edit.set }, edit.hlc));
          const { updated_at: _u, ...row } = rebaseRows(created(), pending, USER).get(`goals:${GOAL}`)!;
          return row;
        };
        const shuffled = stamped.map((edit, i) => ({ edit, key: keys[i]! })).sort((a, b) => a.key - b.key).map(({ edit }) => edit);
        expect(apply(shuffled)).toEqual(apply(stamped));
      }),
    );
  });
});
