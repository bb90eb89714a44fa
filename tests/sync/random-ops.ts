import type { MutationInput } from '#client/lib/data/mutations.ts';
import type { Fate } from './world.ts';

// Seeded randomness for the randomized run: a small PRNG and generators of plausible (and a
// few poisonous) mutations, so a failing seed replays exactly.

/** mulberry32: a tiny, good-enough PRNG; the same seed gives the same run. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks a key by weight. */
  weighted<K extends string>(weights: Record<K, number>): K {
    const entries = Object.entries(weights) as [K, number][];
    let roll = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    return entries.at(-1)![0];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  /** A version-4 UUID from this generator. */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(0, 15).toString(16));
    hex[12] = '4';
    hex[16] = '89ab'[this.int(0, 3)]!;
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
}

export type RandomMutation =
  | { name: 'goal.create'; args: MutationInput<'goal.create'> }
  | { name: 'goal.update'; args: MutationInput<'goal.update'> }
  | { name: 'goal.delete'; args: MutationInput<'goal.delete'> }
  | { name: 'profile.update'; args: MutationInput<'profile.update'> };

const DATES = ['2026-08-30', '2026-09-20', '2026-10-11', '2026-11-01'];
const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo'];

function goalUpdateSet(random: Random): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  // Titles and statuses fit every goal; race fields refuse on a mileage goal and the mileage
  // field on a race goal (field_not_for_goal_type), so they stay rarer.
  const fields = random.shuffle([
    'title',
    'status',
    'title',
    'status',
    'target_time_seconds',
    'target_race_date',
    ...(random.chance(0.1) ? ['target_weekly_mileage_miles'] : []),
  ]);
  for (const field of new Set(fields.slice(0, random.int(1, 2)))) {
    if (field === 'title') set.title = `Goal ${random.int(1, 999)}`;
    if (field === 'target_time_seconds') set.target_time_seconds = random.chance(0.2) ? null : random.int(3000, 9000);
    if (field === 'target_race_date') set.target_race_date = random.pick(DATES);
    if (field === 'status') set.status = random.pick(['active', 'completed', 'abandoned']);
    // On a race goal this is a poison mutation (field_not_for_goal_type), on a mileage goal a normal edit.
    if (field === 'target_weekly_mileage_miles') set.target_weekly_mileage_miles = random.int(10, 60);
  }
  return set;
}

/**
 * One random mutation. `known` are the goal ids made so far by anyone (some deleted, some not
 * yet pushed); `local` the ones this device shows, which edits prefer, as a runner's would.
 */
export function randomMutation(random: Random, known: string[], local: string[]): RandomMutation {
  const target = () => (local.length > 0 && random.chance(0.75) ? random.pick(local) : random.pick(known));
  const kind = known.length === 0 ? 'create' : random.weighted({ create: 3, update: 5, delete: 1, profile: 2 });
  if (kind === 'create') {
    const id = random.uuid();
    known.push(id);
    if (random.chance(0.15)) {
      return { name: 'goal.create', args: { id, goal: { goal_type: 'mileage', target_weekly_mileage_miles: random.int(10, 50) } } };
    }
    // Now and then a race in the past: refused by the server (race_date_in_past).
    const date = random.chance(0.05) ? '2025-12-01' : random.pick(DATES);
    return {
      name: 'goal.create',
      args: { id, goal: { goal_type: 'race', target_race_distance_meters: random.pick([5000, 10000, 21097.5, 42195]), target_race_date: date } },
    };
  }
  if (kind === 'update') return { name: 'goal.update', args: { id: target(), set: goalUpdateSet(random) } as MutationInput<'goal.update'> };
  if (kind === 'delete') return { name: 'goal.delete', args: { id: target() } };
  const set: Record<string, unknown> = {};
  for (const field of random
    .shuffle(['days_available_per_week', 'units', 'injury_notes', 'time_zone', 'current_weekly_mileage_miles'])
    .slice(0, random.int(1, 3))) {
    if (field === 'days_available_per_week') set[field] = random.int(1, 7);
    if (field === 'units') set[field] = random.pick(['mi', 'km']);
    if (field === 'injury_notes') set[field] = random.chance(0.3) ? null : `note ${random.int(1, 99)}`;
    if (field === 'time_zone') set[field] = random.pick(ZONES);
    if (field === 'current_weekly_mileage_miles') set[field] = random.int(0, 60);
  }
  return { name: 'profile.update', args: { set } as MutationInput<'profile.update'> };
}

/** A network with some trouble: each request independently lost, doubled or held back. */
export function randomFate(random: Random, trouble: number): () => Fate {
  return () => {
    if (!random.chance(trouble)) return 'ok';
    return random.weighted({ 'drop-before': 2, 'drop-after': 3, duplicate: 2, ghost: 3 });
  };
}
