/** Estimated time, distance and zone load of a workout structure for one runner. */
import type { PaceTable, PaceTarget, Segment, Step, WorkoutStructure } from '../schema/workout.ts';
import { midPace, zoneOf, type Zone } from './paces.ts';

/** What an open (lap-button) step is assumed to last, by role, since it has no end of its own. */
export const OPEN_STEP_SECONDS = {
  warmup: 600,
  cooldown: 600,
  steady: 1200,
  recovery: 120,
  strides: 20,
  work: 180,
  rest: 120,
} as const;

export interface ZoneLoad {
  seconds: number;
  meters: number;
}

/** One hard bout (a work step at M/T/I/R) and the rest that follows it. */
export interface Bout {
  zone: Zone;
  seconds: number;
  meters: number;
  recovery_seconds: number;
  /** Another bout of the same block follows, so the rest after this one matters. */
  in_block: boolean;
}

export interface WorkoutEstimate {
  duration_seconds: number;
  distance_meters: number;
  /** How many open steps were given an assumed length. */
  open_steps: number;
  assumptions: string[];
  zones: Record<Zone, ZoneLoad>;
  bouts: Bout[];
}

/** What a step is for in its segment: it picks the pace of a step without a target, and an open step's length. */
export type StepRole = keyof typeof OPEN_STEP_SECONDS;
type Role = StepRole;

const DEFAULT_TARGET: Record<Role, PaceTarget> = {
  warmup: 'easy',
  cooldown: 'easy',
  steady: 'easy',
  recovery: 'recovery',
  strides: 'repetition',
  work: 'easy',
  rest: 'jog',
};

/**
 * One step's time and distance at the middle of its pace range (the role's default target when it
 * names none); an open step (the lap button) gets the role's default length.
 */
export function stepSize(step: Step, role: StepRole, paces: PaceTable): { target: PaceTarget; seconds: number; meters: number; open: boolean } {
  const target = step.pace_target ?? DEFAULT_TARGET[role];
  const pace = midPace(paces[target]);
  if (step.duration_seconds !== undefined) return { target, seconds: step.duration_seconds, meters: (step.duration_seconds / pace) * 1000, open: false };
  if (step.distance_meters !== undefined) return { target, seconds: (step.distance_meters / 1000) * pace, meters: step.distance_meters, open: false };
  const seconds = OPEN_STEP_SECONDS[role];
  return { target, seconds, meters: (seconds / pace) * 1000, open: true };
}

/** Estimates a structure with the runner's paces; open steps get a default length and are flagged. */
export function estimateWorkout(structure: WorkoutStructure, paces: PaceTable, raceDistanceMeters?: number): WorkoutEstimate {
  const zones: Record<Zone, ZoneLoad> = {
    E: { seconds: 0, meters: 0 },
    M: { seconds: 0, meters: 0 },
    T: { seconds: 0, meters: 0 },
    I: { seconds: 0, meters: 0 },
    R: { seconds: 0, meters: 0 },
  };
  const bouts: Bout[] = [];
  const assumptions: string[] = [];
  let openSteps = 0;

  const measure = (step: Step, role: Role): { seconds: number; meters: number; zone: Zone } => {
    const { target, seconds, meters, open } = stepSize(step, role, paces);
    if (open) {
      openSteps += 1;
      assumptions.push(`open ${role} step assumed ${Math.round(seconds / 60)} min`);
    }
    return { seconds, meters, zone: zoneOf(target, raceDistanceMeters) };
  };
  const add = (m: { seconds: number; meters: number; zone: Zone }, times: number): void => {
    zones[m.zone].seconds += m.seconds * times;
    zones[m.zone].meters += m.meters * times;
  };

  for (const seg of structure.segments) estimateSegment(seg, measure, add, bouts);

  let duration = 0;
  let distance = 0;
  for (const load of Object.values(zones)) {
    duration += load.seconds;
    distance += load.meters;
  }
  return { duration_seconds: duration, distance_meters: distance, open_steps: openSteps, assumptions, zones, bouts };
}

type Measure = (step: Step, role: Role) => { seconds: number; meters: number; zone: Zone };
type Add = (m: { seconds: number; meters: number; zone: Zone }, times: number) => void;

function estimateSegment(seg: Segment, measure: Measure, add: Add, bouts: Bout[]): void {
  if (seg.type === 'interval') {
    const work = measure(seg.work, 'work');
    const rest = seg.recovery ? measure(seg.recovery, 'rest') : undefined;
    add(work, seg.repeats);
    if (rest) add(rest, seg.repeats);
    if (work.zone !== 'E') {
      for (let i = 0; i < seg.repeats; i++) {
        bouts.push({ zone: work.zone, seconds: work.seconds, meters: work.meters, recovery_seconds: rest?.seconds ?? 0, in_block: i < seg.repeats - 1 });
      }
    }
  } else if (seg.type === 'repeat') {
    const steps = seg.steps.map((s) => measure(s, 'work'));
    for (let r = 0; r < seg.repeats; r++) {
      steps.forEach((m, i) => {
        add(m, 1);
        const next = steps[i + 1] ?? (r + 1 < seg.repeats ? steps[0] : undefined);
        if (m.zone === 'E') return;
        const rest = next && next.zone === 'E' ? next.seconds : 0;
        bouts.push({ zone: m.zone, seconds: m.seconds, meters: m.meters, recovery_seconds: rest, in_block: next !== undefined });
      });
    }
  } else {
    const m = measure(seg, seg.type);
    add(m, 1);
    if (m.zone !== 'E') bouts.push({ zone: m.zone, seconds: m.seconds, meters: m.meters, recovery_seconds: 0, in_block: false });
  }
}
