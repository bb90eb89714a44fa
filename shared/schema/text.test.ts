import { describe, expect, it } from 'vitest';
import { MUTATION_ARGS } from '../sync/mutation-args.ts';
import { HlcSchema, PushRequestSchema } from '../sync/protocol.ts';
import { toIssues } from './issues.ts';
import { ChatRequestSchema, MemoryUpdateSchema } from './coach.ts';
import { GoalCreateSchema, GoalUpdateSchema } from './goal-request.ts';
import { ProfileUpdateSchema } from './profile.ts';
import { RegisterRequestSchema } from './auth.ts';
import { WorkoutUpdateSchema } from './workout-request.ts';
import { BAD_TEXT_MESSAGE, isStorableText, storableText } from './text.ts';
import type { z } from 'zod';

// Issue 15 (M5, I5): one rule for text, one for dates, in every shape that crosses a boundary.

function issuesOf(schema: z.ZodType, value: unknown) {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : toIssues(parsed.error);
}

const NUL = 'Easy\u0000run';
const LONE_HIGH = 'Tempo \ud83d';
const LONE_LOW = '\ude00 hills';

describe('the text rule', () => {
  it('refuses NUL and unpaired surrogates, and keeps every other character (emoji pairs, RTL marks)', () => {
    for (const bad of [NUL, LONE_HIGH, LONE_LOW, '\u0000', '\ud800\ud800']) expect(isStorableText(bad), JSON.stringify(bad)).toBe(false);
    for (const good of ['', 'Marathon 🏃‍♀️ 😀', 'üñí©ødé', '‮rtl', '\u0001\u001f', '\ud83d\ude00']) expect(isStorableText(good), good).toBe(true);
    expect(storableText('a\u0000b\ud800c😀')).toBe('a\ufffdb\ufffdc😀');
  });

  it('is a 400 naming the field in every request and mutation shape', () => {
    const cases: [z.ZodType, unknown, string][] = [
      [GoalCreateSchema, { goal_type: 'race', title: NUL, target_race_distance_meters: 10_000, target_race_date: '2026-05-10' }, 'title'],
      [GoalUpdateSchema, { title: LONE_HIGH }, 'title'],
      [ProfileUpdateSchema, { injury_notes: NUL }, 'injury_notes'],
      [ProfileUpdateSchema, { injury_notes: LONE_LOW }, 'injury_notes'],
      [ChatRequestSchema, { message: NUL }, 'message'],
      [MemoryUpdateSchema, { content: LONE_HIGH }, 'content'],
      [WorkoutUpdateSchema, { notes: NUL }, 'notes'],
      [WorkoutUpdateSchema, { title: 'ok', edit_reason: NUL }, 'edit_reason'],
      [WorkoutUpdateSchema, { structure: { segments: [{ type: 'steady', distance_meters: 5000, notes: LONE_LOW }] } }, 'structure.segments[0].notes'],
      [
        WorkoutUpdateSchema,
        { structure: { segments: [{ type: 'interval', repeats: 4, work: { distance_meters: 800, notes: NUL }, recovery: { duration_seconds: 90 } }] } },
        'structure.segments[0].work.notes',
      ],
      [RegisterRequestSchema, { invite_code: 'x', name: NUL, email: 'a@example.com', password: 'long enough password' }, 'name'],
      [MUTATION_ARGS['chat.send@1'], { id: '0190a000-0000-4000-8000-000000000001', content: NUL }, 'content'],
      [MUTATION_ARGS['profile.update@1'], { set: { injury_notes: LONE_HIGH } }, 'set.injury_notes'],
      [
        MUTATION_ARGS['goal.create@1'],
        { id: '0190a000-0000-4000-8000-000000000001', goal: { goal_type: 'mileage', title: NUL, target_weekly_mileage_miles: 20 } },
        'goal.title',
      ],
      [
        MUTATION_ARGS['workout.skip@1'],
        { id: '0190a000-0000-4000-8000-000000000001', completion_id: '0190a000-0000-4000-8000-000000000002', notes: NUL },
        'notes',
      ],
    ];
    for (const [schema, value, path] of cases) {
      expect(issuesOf(schema, value), `${path} of ${JSON.stringify(value)}`).toContainEqual({ path, message: BAD_TEXT_MESSAGE });
    }
  });
});

describe('impossible calendar dates and clocks (I5)', () => {
  it('refuses 2026-02-30 as a date, naming the field', () => {
    expect(issuesOf(GoalCreateSchema, { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-02-30' })).toContainEqual(
      expect.objectContaining({ path: 'target_race_date' }),
    );
    expect(issuesOf(MUTATION_ARGS['workout.move@1'], { id: '0190a000-0000-4000-8000-000000000001', scheduled_date: '2026-02-30' })).toContainEqual(
      expect.objectContaining({ path: 'scheduled_date' }),
    );
  });

  it('refuses a clock on a day that does not exist, or at 24:00', () => {
    for (const bad of [
      '2026-02-30T07:15:09.120Z-0000-8f3a1c0d9e2b4a67',
      '2026-02-31T07:15:09.120Z-0000-8f3a1c0d9e2b4a67',
      '2026-04-31T00:00:00.000Z-0000-8f3a1c0d9e2b4a67',
      '2026-03-01T24:00:00.000Z-0000-8f3a1c0d9e2b4a67',
    ]) {
      expect(HlcSchema.safeParse(bad).success, bad).toBe(false);
    }
    expect(HlcSchema.safeParse('2028-02-29T23:59:59.999Z-ffff-8f3a1c0d9e2b4a67').success).toBe(true);
    const push = {
      protocol: 1,
      schemaVersion: 2,
      clientId: 'c_device_test_1',
      mutations: [{ id: 1, name: 'goal.delete', v: 1, hlc: '2026-02-30T07:15:09.120Z-0000-8f3a1c0d9e2b4a67', args: {} }],
    };
    expect(issuesOf(PushRequestSchema, push)).toContainEqual(expect.objectContaining({ path: 'mutations[0].hlc' }));
  });
});
