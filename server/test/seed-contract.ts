import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Decoder, Stream } from '@garmin/fitsdk';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { WorkoutStructureSchema } from '#shared/schema/workout.ts';
import { SEED_DOCUMENT_FROM_REPO, seedStructure } from '#shared/testing/structures.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { rowsOf } from '../sync/versions.ts';
import { call, signUp, useTestApp } from './harness.ts';
import { TestDevice } from './sync-device.ts';

// Issue 16: the seed (docs/seeds/000_*.txt) is the user's own description of the data. This
// contract reads the document itself, not a copy: every column of its CREATE TABLE blocks must
// exist under its name with a compatible type, its NOT NULLs and UNIQUEs must hold unless listed
// below with the reason, its indexes must exist, and the workout structure it prints must be
// accepted as printed through the API, through sync and into a .FIT file.

const SEED = readFileSync(new URL(`../../${SEED_DOCUMENT_FROM_REPO}`, import.meta.url), 'utf8');

/** Where the product stores a seed column in a different type, and why (the note lists them too). */
export const TYPE_EXCEPTIONS: Record<string, string> = {
  'strava_tokens.strava_athlete_id': "text: Strava's ids pass 2^53, beyond what JSON numbers hold exactly",
  'strava_activities.strava_activity_id': "text: Strava's ids pass 2^53, beyond what JSON numbers hold exactly",
};

/** Seed NOT NULLs the product relaxes, and why. */
export const RELAXED_NOT_NULL: Record<string, string> = {
  'users.invite_code': 'accounts older than migration 0011 whose invite row no longer names them have none (every registration records it)',
  'workout_edits.previous_structure': 'edits recorded before migration 0011 were per field, without the whole structure',
  'workout_edits.new_structure': 'edits recorded before migration 0011 were per field, without the whole structure',
  'strava_activities.strava_activity_id': 'the table also holds uploaded and logged runs, which have no Strava id',
  'strava_activities.raw_data': "Strava's raw JSON is purged after 7 days (docs/STRAVA.md §Policy); uploads have none",
};

interface SeedColumn {
  table: string;
  name: string;
  type: string;
  notNull: boolean;
  unique: boolean;
}

/** The columns of every `CREATE TABLE` block in the seed, as printed. */
export function seedColumns(document: string): SeedColumn[] {
  const columns: SeedColumn[] = [];
  for (const [, table, body] of document.matchAll(/CREATE TABLE (\w+) \(([\s\S]*?)\n\);/g)) {
    for (const line of body!.split('\n')) {
      const m = /^\s*(\w+)\s+([A-Z]+(?:\(\d+(?:,\d+)?\))?)(.*?),?$/.exec(line);
      if (!m) continue;
      const [, name, type, rest] = m;
      columns.push({ table: table!, name: name!, type: type!, notNull: /NOT NULL|PRIMARY KEY/.test(rest!), unique: /\bUNIQUE\b|PRIMARY KEY/.test(rest!) });
    }
  }
  return columns;
}

/** The seed's `CREATE INDEX name ON table(columns)` lines. */
export function seedIndexes(document: string): { name: string; table: string; columns: string[] }[] {
  return [...document.matchAll(/CREATE INDEX (\w+) ON (\w+)\(([^)]+)\);/g)].map(([, name, table, cols]) => ({
    name: name!,
    table: table!,
    columns: cols!.split(',').map((c) => c.trim()),
  }));
}

/** The Postgres types a seed type may be stored as without losing what the seed can hold. */
function compatible(seedType: string): string[] {
  const base = seedType.replace(/\(.*\)/, '');
  switch (base) {
    case 'UUID':
      return ['uuid'];
    case 'VARCHAR':
    case 'TEXT':
      return ['text', 'character varying'];
    case 'INTEGER':
      return ['integer', 'bigint', 'double precision', 'numeric'];
    case 'BIGINT':
      return ['bigint', 'numeric'];
    case 'DECIMAL':
      return ['numeric', 'double precision'];
    case 'TIMESTAMP':
      return ['timestamp without time zone', 'timestamp with time zone'];
    case 'DATE':
      return ['date'];
    case 'JSONB':
      return ['jsonb'];
    default:
      throw new Error(`the seed uses a type this contract does not know: ${seedType}`);
  }
}

/** The suite, on the database `open` gives. */
export function seedContract(label: string, open: () => Promise<DatabaseHandle>): void {
  describe(`the seed's schema and workout JSON (${label})`, () => {
    const t = useTestApp({}, open);

    it('reads the seed: 12 tables, 109 columns, 5 indexes', () => {
      expect(new Set(seedColumns(SEED).map((c) => c.table)).size).toBe(12);
      expect(seedColumns(SEED)).toHaveLength(109);
      expect(seedIndexes(SEED)).toHaveLength(5);
    });

    it('has every seed column under its name, with a compatible type, its NOT NULL and its UNIQUE', async () => {
      const rows = rowsOf<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
        await t.deps.db.execute(sql`select table_name, column_name, data_type, is_nullable from information_schema.columns where table_schema = 'public'`),
      );
      const actual = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
      const uniques = new Set(
        rowsOf<{ key: string }>(
          await t.deps.db.execute(sql`
            select t.relname || '.' || a.attname as key
            from pg_index i join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = t.relnamespace
            join pg_attribute a on a.attrelid = t.oid and a.attnum = i.indkey[0]
            where n.nspname = 'public' and i.indisunique and i.indnatts = 1`),
        ).map((r) => r.key),
      );
      const problems: string[] = [];
      for (const column of seedColumns(SEED)) {
        const key = `${column.table}.${column.name}`;
        const found = actual.get(key);
        if (!found) {
          problems.push(`${key} is missing`);
          continue;
        }
        if (!compatible(column.type).includes(found.data_type) && !TYPE_EXCEPTIONS[key])
          problems.push(`${key} is ${found.data_type}, the seed says ${column.type}`);
        if (column.notNull && found.is_nullable === 'YES' && !RELAXED_NOT_NULL[key]) problems.push(`${key} may be null, the seed says NOT NULL`);
        if (column.unique && !uniques.has(key)) problems.push(`${key} is not unique, the seed says UNIQUE`);
      }
      expect(problems).toEqual([]);
      // Every exception names a real seed column, so the lists cannot rot.
      const seedKeys = new Set(seedColumns(SEED).map((c) => `${c.table}.${c.name}`));
      expect([...Object.keys(TYPE_EXCEPTIONS), ...Object.keys(RELAXED_NOT_NULL)].filter((k) => !seedKeys.has(k))).toEqual([]);
    });

    it("keeps the seed's indexes, under their names, on the same columns", async () => {
      const rows = rowsOf<{ name: string; table: string; columns: string }>(
        await t.deps.db.execute(sql`
          select i.relname as name, t.relname as "table", string_agg(a.attname, ',' order by k.n) as columns
          from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid join pg_namespace ns on ns.oid = t.relnamespace
          cross join lateral unnest(x.indkey) with ordinality as k(attnum, n) join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
          where ns.nspname = 'public' group by i.relname, t.relname`),
      );
      const byName = new Map(rows.map((r) => [r.name, r]));
      for (const index of seedIndexes(SEED)) {
        expect(byName.get(index.name), index.name).toMatchObject({ table: index.table, columns: index.columns.join(',') });
      }
    });

    /** A runner with a profile, a race goal and an engine plan; one of its workouts. */
    async function runnerWithWorkout() {
      const runner = await signUp(t);
      await call(t.app, 'PUT', '/api/profile', {
        cookie: runner.cookie,
        body: { current_weekly_mileage_miles: 25, days_available_per_week: 5, easy_pace_per_mile_seconds: 570 },
      });
      const goal = (
        await call(t.app, 'POST', '/api/goals', {
          cookie: runner.cookie,
          body: { goal_type: 'race', title: 'Spring 10K', target_race_distance_meters: 10_000, target_race_date: '2026-05-10' },
        })
      ).json.goal;
      const plan = await call(t.app, 'POST', '/api/plans/generate', { cookie: runner.cookie, body: { goal_id: goal.id } });
      expect(plan.status, JSON.stringify(plan.json)).toBe(201);
      const workout = (plan.json.workouts as { id: string; workout_type: string }[]).find((w) => w.workout_type !== 'race')!;
      return { ...runner, goal, plan: plan.json.plan, workout };
    }

    const printed = seedStructure(SEED);
    const canonical = WorkoutStructureSchema.parse(printed);

    it("speaks the seed's names: a plan has a title, a workout its seed columns", async () => {
      const { cookie, plan, workout, goal, user } = await runnerWithWorkout();
      expect(plan.title).toBe('Spring 10K: Daniels plan');
      const fetched = (await call(t.app, 'GET', `/api/workouts/${workout.id}`, { cookie })).json.workout;
      expect(fetched).toMatchObject({ training_plan_id: plan.id, status: 'scheduled', description: null });
      // The invite the runner signed up with is recorded, as a hash (never the code itself).
      const [account] = rowsOf<{ invite_code: string | null; used: string }>(
        await t.deps.db.execute(sql`select u.invite_code, i.code_hash as used from users u join invite_codes i on i.used_by = u.id where u.id = ${user.id}`),
      );
      expect(account?.invite_code).toBe(account?.used);
      expect(account?.invite_code).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(Object.keys(fetched)).toEqual(expect.arrayContaining(['workout_type', 'estimated_duration_minutes', 'estimated_distance_meters']));
      expect(Object.keys(fetched)).not.toEqual(expect.arrayContaining(['type']));
      expect(Number.isInteger(fetched.estimated_duration_minutes)).toBe(true);
      expect(goal).toHaveProperty('description', null);
    });

    it('accepts the printed structure through PATCH, returns it normalised, and exports it as 6 × (800 m + 400 m)', async () => {
      const { cookie, workout } = await runnerWithWorkout();
      const res = await call(t.app, 'PATCH', `/api/workouts/${workout.id}`, {
        cookie,
        body: { structure: printed, description: 'The seed’s example session', edit_reason: 'as the seed prints it' },
      });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json.workout.structure).toEqual(canonical);
      expect(res.json.workout.description).toBe('The seed’s example session');
      const edits = (await call(t.app, 'GET', `/api/workouts/${workout.id}/edits`, { cookie })).json.edits;
      expect(edits.find((e: { field: string }) => e.field === 'structure')).toMatchObject({ new_structure: canonical, edit_reason: 'as the seed prints it' });

      const fit = await t.app.request(`/api/workouts/${workout.id}/fit`, { headers: { cookie } });
      expect(fit.status).toBe(200);
      const decoder = new Decoder(Stream.fromByteArray(Array.from(new Uint8Array(await fit.arrayBuffer()))));
      expect(decoder.checkIntegrity()).toBe(true);
      const { messages, errors } = decoder.read();
      expect(errors).toEqual([]);
      const steps = messages.workoutStepMesgs as {
        intensity?: string;
        durationType?: string;
        durationValue?: number;
        durationDistance?: number;
        durationTime?: number;
        targetRepeatSteps?: number;
        repeatSteps?: number;
      }[];
      const distances = steps.filter((s) => s.durationType === 'distance').map((s) => s.durationDistance);
      expect(distances).toEqual([800, 400]);
      const repeat = steps.find((s) => s.durationType === 'repeatUntilStepsCmplt');
      expect(repeat?.targetRepeatSteps ?? repeat?.repeatSteps).toBe(6);
      expect(steps.filter((s) => s.durationType === 'time').map((s) => s.durationTime)).toEqual([600, 600]);
    });

    it('accepts the printed structure through sync (workout.update@2) and pulls it back normalised', async () => {
      const { cookie, workout } = await runnerWithWorkout();
      const phone = new TestDevice(t.app, cookie, () => t.clock.now().getTime());
      const pushed = await phone.push([phone.mutation('workout.update', { id: workout.id, set: { structure: printed, workout_type: 'intervals' } })]);
      expect(pushed.status, JSON.stringify(pushed.json)).toBe(200);
      expect(pushed.json.results[0]).toMatchObject({ status: 'applied' });
      const { changes } = await phone.pullAll();
      const row = changes.find((c: { entity: string; id: string }) => c.entity === 'workouts' && c.id === workout.id)!.row;
      expect(row).toMatchObject({ structure: canonical, workout_type: 'intervals', training_plan_id: expect.any(String) });
    });

    it('refuses a chat conversation id that is not an id, and keeps threads apart', async () => {
      const { cookie } = await signUp(t);
      const phone = new TestDevice(t.app, cookie, () => t.clock.now().getTime());
      const [a, b] = [randomUUID(), randomUUID()];
      const res = await phone.push([
        phone.mutation('chat.send', { id: randomUUID(), content: 'first thread', conversation_id: a }),
        phone.mutation('chat.send', { id: randomUUID(), content: 'second thread', conversation_id: b }),
        phone.mutation('chat.send', { id: randomUUID(), content: 'still the second' }),
      ]);
      expect(res.json.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied', 'applied']);
      const threads = (await call(t.app, 'GET', '/api/chat/conversations', { cookie })).json.conversations;
      expect(threads.map((c: { id: string; messages: number; title: string }) => [c.id, c.messages, c.title])).toEqual([
        [b, 2, 'second thread'],
        [a, 1, 'first thread'],
      ]);
      const onlyA = (await call(t.app, 'GET', `/api/chat/messages?conversation_id=${a}`, { cookie })).json.messages;
      expect(onlyA.map((m: { content: string }) => m.content)).toEqual(['first thread']);
      const bad = await call(t.app, 'GET', '/api/chat/messages?conversation_id=nope', { cookie });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.json)).toContain('must be a conversation id');
    });
  });
}
