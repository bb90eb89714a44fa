// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { Decoder, Stream } from '@garmin/fitsdk';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkoutStructureSchema, type WorkoutStructure } from '#shared/schema/workout.ts';
import { SEED_DOCUMENT_FROM_REPO, seedStructure } from '#shared/testing/structures.ts';
import { encodeOnDevice } from '../../client/lib/fit/export.ts';
import type { UserDb } from '../../client/lib/data/db.ts';
import { mutate } from '../../client/lib/data/mutations.ts';
import { openFreshUserDb } from '../../client/lib/data/test-kit.ts';

// Issue 16 on the device: the seed's printed workout structure (nulls, "5K") edited on the phone
// is stored, queued for the server and exported as .FIT in its normalised form.

const USER = '00000000-0000-4000-8000-000000000001';
const W = '00000000-0000-4000-8000-0000000000bb';
const printed = seedStructure(readFileSync(new URL(`../../${SEED_DOCUMENT_FROM_REPO}`, import.meta.url), 'utf8'));
let db: UserDb;
afterEach(() => db.close());

describe("the seed's workout structure on the device", () => {
  it('is normalised once on the phone, queued as stored, and encodes as 6 × (800 m + 400 m)', async () => {
    db = await openFreshUserDb(USER, () => Date.parse('2026-03-02T07:00:00Z'));
    await db.view('workouts').put({
      id: W,
      user_id: USER,
      scheduled_date: '2026-03-03',
      workout_type: 'easy',
      title: 'Easy run',
      description: null,
      structure: { segments: [{ type: 'steady', duration_seconds: 1800, pace_target: 'easy' }] },
      status: 'scheduled',
      deleted: false,
      edited_by_user: false,
      updated_at: '2026-03-01T07:00:00.000Z',
      _hlc: {},
    });
    await mutate(db, 'workout.update', { id: W, set: { structure: printed as never, workout_type: 'intervals' } });
    const canonical = WorkoutStructureSchema.parse(printed);
    const [queued] = await db.outbox.toArray();
    expect(queued).toMatchObject({ name: 'workout.update', v: 2, args: { id: W, set: { structure: canonical, workout_type: 'intervals' } } });
    const row = (await db.view('workouts').get(W))!;
    expect(row.structure).toEqual(canonical);

    const profile = {
      current_weekly_mileage_miles: 25,
      days_available_per_week: 5,
      easy_pace_per_mile_seconds: 570,
      injury_notes: null,
      units: 'km' as const,
      target_type: 'pace' as const,
      time_zone: 'UTC',
    };
    const { bytes } = await encodeOnDevice(
      { id: W, title: 'Intervals', scheduled_date: '2026-03-03', structure: row.structure as WorkoutStructure, updated_at: '2026-03-02T07:00:00.000Z' },
      profile,
    );
    const decoder = new Decoder(Stream.fromByteArray(Array.from(bytes)));
    expect(decoder.checkIntegrity()).toBe(true);
    const steps = decoder.read().messages.workoutStepMesgs as {
      durationType?: string;
      durationDistance?: number;
      durationTime?: number;
      targetRepeatSteps?: number;
      repeatSteps?: number;
    }[];
    expect(steps.filter((s) => s.durationType === 'distance').map((s) => s.durationDistance)).toEqual([800, 400]);
    const repeat = steps.find((s) => s.durationType === 'repeatUntilStepsCmplt');
    expect(repeat?.repeatSteps ?? repeat?.targetRepeatSteps).toBe(6);
    expect(steps.filter((s) => s.durationType === 'time').map((s) => s.durationTime)).toEqual([600, 600]);
  });
});
