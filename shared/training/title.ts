import type { PaceTarget, Segment, Step, WorkoutStructure, WorkoutType } from '../schema/workout.ts';
import { formatDistance, type DistanceUnit } from './units.ts';

// A workout's title is derived from its steps, in the runner's unit, every time it is shown
// (app, .FIT name and file name, calendar event): the stored `title` column is the seed's and
// the engine's first wording, in km and frozen at planning time, so it went stale after every
// edit and spoke km to a miles runner (issue 18 §7). The column is kept as written (sync,
// history, the coach's context) and lends the title only its name, the words before its first
// figure ("Lactate-threshold run", a coach's "Hill repeats"); every figure comes from the steps.

/** What a title is derived from: the row's type and steps; `title` is the fallback. */
export interface TitledWorkout {
  workout_type: WorkoutType | string;
  structure?: WorkoutStructure | null;
  title?: string | null;
}

const NAME: Record<string, string> = {
  easy: 'Easy',
  recovery: 'Recovery',
  long: 'Long run',
  tempo: 'Tempo run',
  threshold: 'Cruise intervals',
  intervals: 'Intervals',
  repetition: 'Repetitions',
  marathon_pace: 'Marathon pace',
  progression: 'Progression run',
  fartlek: 'Fartlek',
  race: 'Race',
};

// Targets a runner runs "easy": the rest of the vocabulary makes a session's quality work.
const GENTLE: ReadonlySet<PaceTarget> = new Set(['easy', 'recovery', 'jog', 'long']);
// A bout this short (s) is a stride or a pick-up, an extra on an easy run, not the session.
const SHORT_BOUT = 30;

interface Bout {
  step: Step;
  count: number;
}

/** The steps of a structure with how often each is run, in order. */
function bouts(segments: readonly Segment[]): { bout: Bout; segment: Segment }[] {
  const out: { bout: Bout; segment: Segment }[] = [];
  for (const segment of segments) {
    if (segment.type === 'interval') {
      out.push({ bout: { step: segment.work, count: segment.repeats }, segment });
      if (segment.recovery) out.push({ bout: { step: segment.recovery, count: segment.repeats }, segment });
    } else if (segment.type === 'repeat') {
      for (const step of segment.steps) out.push({ bout: { step, count: segment.repeats }, segment });
    } else out.push({ bout: { step: segment, count: 1 }, segment });
  }
  return out;
}

/** "800 m" for a track distance, "5.0 km" / "3.1 mi" for a longer one. */
function distanceWords(meters: number, unit: DistanceUnit): string {
  return meters < 2000 ? `${Math.round(meters)} m` : formatDistance(meters, unit);
}

/** "3 min", "45 s", "1 h 10 min". */
function durationWords(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes >= 90 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
}

function stepWords(step: Step, unit: DistanceUnit): string {
  if (step.distance_meters) return distanceWords(step.distance_meters, unit);
  if (step.duration_seconds) return durationWords(step.duration_seconds);
  return 'to the lap button';
}

const isShort = (step: Step): boolean => step.duration_seconds !== undefined && step.duration_seconds <= SHORT_BOUT;
const sameShape = (a: Step, b: Step): boolean =>
  a.pace_target === b.pace_target && a.duration_seconds === b.duration_seconds && a.distance_meters === b.distance_meters;

/** The title of a workout in the runner's unit, from its type and steps (issue 18 §7). */
export function workoutTitle(workout: TitledWorkout, unit: DistanceUnit): string {
  const type = workout.workout_type;
  if (type === 'rest') return 'Rest day';
  const structure = workout.structure;
  const fallback = NAME[type];
  if (!structure || structure.segments.length === 0 || !fallback) return workout.title?.trim() || (fallback ?? 'Workout');
  const stored = storedName(workout.title);
  const name = stored ?? fallback;
  const all = bouts(structure.segments);
  if (type === 'race') {
    const meters = all.reduce((sum, { bout }) => sum + (bout.step.distance_meters ?? 0) * bout.count, 0);
    return meters > 0 ? `${name}: ${formatDistance(meters, unit)}` : name;
  }
  const hard = all.filter(({ bout }) => bout.step.pace_target !== undefined && !GENTLE.has(bout.step.pace_target));
  const extras = hard.filter(({ bout }) => isShort(bout.step));
  const quality = hard.filter(({ bout }) => !isShort(bout.step));
  // What the runner covers at a gentle pace: the warm-up and cool-down aside, as the engine worded it.
  const steadyMeters = all
    .filter(({ segment, bout }) => segment.type === 'steady' && (!bout.step.pace_target || GENTLE.has(bout.step.pace_target)))
    .reduce((sum, { bout }) => sum + (bout.step.distance_meters ?? 0) * bout.count, 0);
  const raceWork = quality.length > 0 && quality.every(({ bout }) => bout.step.pace_target === 'race');
  const label = raceWork && !stored ? 'Race pace' : name;

  if (quality.length > 0) {
    const first = quality[0]!.bout.step;
    // A long run with a block at marathon pace, or 80/20's fast finish at tempo.
    const longWhat = { marathon: 'at marathon pace', tempo: 'fast finish at tempo' } as Partial<Record<PaceTarget, string>>;
    const target = first.pace_target;
    if (
      type === 'long' &&
      name === 'Long run' &&
      target &&
      longWhat[target] &&
      quality.every(({ bout }) => bout.step.pace_target === target && bout.step.distance_meters)
    ) {
      const m = quality.reduce((sum, { bout }) => sum + bout.step.distance_meters! * bout.count, 0);
      const total = all.reduce((sum, { bout }) => sum + (bout.step.distance_meters ?? 0) * bout.count, 0);
      return `Long run ${formatDistance(total, unit)} with ${formatDistance(m, unit)} ${longWhat[target]}`;
    }
    if (quality.every(({ bout }) => sameShape(bout.step, first))) {
      const n = quality.reduce((sum, { bout }) => sum + bout.count, 0);
      if (n === 1) return `${label}: ${first.distance_meters ? formatDistance(first.distance_meters, unit) : stepWords(first, unit)}`;
      return `${label}: ${n} × ${stepWords(first, unit)}`;
    }
    const total = all.reduce((sum, { bout }) => sum + (bout.step.distance_meters ?? 0) * bout.count, 0);
    return total > 0 ? `${label} ${formatDistance(total, unit)}` : label;
  }

  // An easy-day run at long-run pace is the medium-long run (Pfitzinger's midweek).
  const steadies = all.filter(({ segment }) => segment.type === 'steady');
  const mediumLong = type === 'easy' && steadies.length > 0 && steadies.every(({ bout }) => bout.step.pace_target === 'long');
  const runName = mediumLong && !stored ? 'Medium-long run' : name;
  let title = steadyMeters > 0 ? `${runName} ${formatDistance(steadyMeters, unit)}` : runName;
  if (steadyMeters === 0) {
    const seconds = all.reduce((sum, { bout }) => sum + (bout.step.duration_seconds ?? 0) * bout.count, 0);
    if (seconds > 0) title = `${runName} ${durationWords(seconds)}`;
  }
  if (extras.length > 0) {
    const n = extras.reduce((sum, { bout }) => sum + bout.count, 0);
    const race = extras.every(({ bout }) => bout.step.pace_target === 'race');
    title += race ? ` + ${n} race-pace pick-ups` : ` + ${n} strides`;
  }
  return title;
}

/** The name a stored title gives its session: its words before the first figure, or null. */
function storedName(title: string | null | undefined): string | null {
  const words = /^([^\d×]*)/.exec(title?.trim() ?? '')?.[1] ?? '';
  const name = words.replace(/[\s:(+–-]+$/, '').trim();
  return name === '' ? null : name;
}
