import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeWorkout, type DecodedStep } from './decode.ts';

// In CI the repository is cloned beside `shared/`, so fixtures live at <repo>/../shared.
const repoRoot = new URL('../../', import.meta.url);
const fixtures = new URL('shared/testing/fixtures/fit/', repoRoot);

type Row = Map<string, string>;

/** The Data rows of one message in a FitCSVTool dump, as field → value maps. */
function csvRows(name: string, message: string): Row[] {
  const text = readFileSync(new URL(`${name}.csv`, fixtures), 'utf8');
  return text
    .split(/\r?\n/)
    .map((line) => line.split(','))
    .filter((cells) => cells[0] === 'Data' && cells[2] === message)
    .map((cells) => {
      const row: Row = new Map();
      for (let i = 3; i + 1 < cells.length; i += 3) if (cells[i]) row.set(cells[i]!, cells[i + 1]!);
      return row;
    });
}

const DURATION = { '0': 'time', '1': 'distance', '2': 'hrLessThan', '6': 'repeatUntilStepsCmplt', '11': 'repeatUntilHrGreaterThan' } as const;
const INTENSITY = { '0': 'active', '2': 'warmup', '3': 'cooldown' } as const;

/** What a workout_step row of Garmin's CSV says, in decodeWorkout's vocabulary. */
function expectedStep(row: Row): DecodedStep {
  const n = (field: string): number => Number(row.get(field));
  const durationType = DURATION[row.get('duration_type') as keyof typeof DURATION];
  const step: DecodedStep = { index: n('message_index'), name: row.get('wkt_step_name')!, duration: { type: 'open' } };
  if (durationType === 'time') step.duration = { type: 'time', seconds: n('duration_time') };
  else if (durationType === 'distance') step.duration = { type: 'distance', meters: n('duration_distance') };
  else if (durationType === 'hrLessThan') step.duration = { type: 'other', name: 'hrLessThan', value: n('duration_hr') };
  else if (durationType === 'repeatUntilStepsCmplt') {
    step.duration = { type: 'repeat', from_step: n('duration_step'), repeats: n('repeat_steps') };
  } else {
    step.duration = { type: 'other', name: durationType, value: n('duration_step'), target_value: n('target_hr_zone') };
  }
  const isRepeat = durationType.startsWith('repeat');
  if (!isRepeat && row.has('custom_target_heart_rate_low')) {
    step.target = { type: 'heart_rate_percent', low: n('custom_target_heart_rate_low'), high: n('custom_target_heart_rate_high') };
  } else if (!isRepeat && row.has('custom_target_power_low')) {
    step.target = { type: 'other', name: 'power', value: 0, low: n('custom_target_power_low'), high: n('custom_target_power_high') };
  } else if (!isRepeat && row.has('target_hr_zone')) step.target = { type: 'heart_rate_zone', zone: n('target_hr_zone') };
  else if (!isRepeat && row.has('target_power_zone')) step.target = { type: 'other', name: 'power', value: n('target_power_zone') };
  step.intensity = INTENSITY[row.get('intensity') as keyof typeof INTENSITY];
  return step;
}

const FILES = ['WorkoutRepeatSteps', 'WorkoutRepeatGreaterThanStep', 'WorkoutCustomTargetValues', 'WorkoutIndividualSteps'];

describe("Garmin's example workout files", () => {
  for (const name of FILES) {
    it(`${name}.fit decodes to the steps its CSV shows`, () => {
      const result = decodeWorkout(new Uint8Array(readFileSync(new URL(`${name}.fit`, fixtures))));
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      const { workout } = result;

      const [fileId] = csvRows(name, 'file_id');
      expect(workout.serial_number).toBe(Number(fileId!.get('serial_number')));
      // time_created is seconds since the FIT epoch, 1989-12-31T00:00:00Z.
      const fitEpoch = Date.UTC(1989, 11, 31);
      expect(workout.time_created).toBe(new Date(fitEpoch + Number(fileId!.get('time_created')) * 1000).toISOString());

      const [header] = csvRows(name, 'workout');
      expect(workout.name).toBe(header!.get('wkt_name'));
      expect(workout.num_valid_steps).toBe(Number(header!.get('num_valid_steps')));

      const rows = csvRows(name, 'workout_step');
      expect(rows.length).toBeGreaterThanOrEqual(4);
      expect(workout.steps).toEqual(rows.map(expectedStep));
    });
  }

  it('shows the repeat convention: children first, then a step pointing back with the total count', () => {
    const result = decodeWorkout(new Uint8Array(readFileSync(new URL('WorkoutRepeatSteps.fit', fixtures))));
    if (!result.ok) throw new Error('decode failed');
    const repeat = result.workout.steps[3]!;
    expect(repeat.duration).toEqual({ type: 'repeat', from_step: 1, repeats: 3 });
    expect(repeat.target).toBeUndefined();
    expect(result.workout.steps.slice(1, 3).map((s) => s.duration)).toEqual([
      { type: 'distance', meters: 500 },
      { type: 'distance', meters: 500 },
    ]);
  });
});
