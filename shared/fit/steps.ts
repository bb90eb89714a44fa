import type { HeartRateRange, PaceRange, PaceTarget, SimpleSegment, Step, WorkoutStructure } from '../schema/workout.ts';
import {
  MAX_FIT_STRING_BYTES,
  MAX_STEP_NAME_CHARS,
  TARGET_ABBR,
  TARGET_WORD,
  cleanText,
  clipChars,
  clipUtf8,
  formatDistance,
  formatDuration,
  formatPace,
  type Units,
} from './format.ts';

/** Pace targets: seconds per km for each pace target a workout uses. */
export interface PaceTargets {
  kind: 'pace';
  table: Partial<Record<PaceTarget, PaceRange>>;
}
/** Heart-rate targets: bpm for each pace target a workout uses. */
export interface HeartRateTargets {
  kind: 'heart_rate';
  table: Partial<Record<PaceTarget, HeartRateRange>>;
}
export type Targets = PaceTargets | HeartRateTargets;

export type FitIntensity = 'warmup' | 'active' | 'recovery' | 'cooldown';

/** One workout_step message in raw FIT units (ms, cm, mm/s, bpm + 100), ready to encode. */
export interface FitStep {
  messageIndex: number;
  wktStepName?: string;
  durationType: 'time' | 'distance' | 'open' | 'repeatUntilStepsCmplt';
  durationValue?: number;
  targetType: 'speed' | 'heartRate' | 'open';
  targetValue?: number;
  customTargetValueLow?: number;
  customTargetValueHigh?: number;
  intensity?: FitIntensity;
  notes?: string;
}

type Role = 'warmup' | 'cooldown' | 'recovery' | 'work';

interface Context {
  targets: Targets;
  units: Units;
}

const SIMPLE_LABEL: Record<Exclude<SimpleSegment['type'], 'steady'>, string> = {
  warmup: 'Warm up',
  cooldown: 'Cool down',
  recovery: 'Recovery',
  strides: 'Strides',
};

/** The slow targets: a step aimed at them is recovery, whatever block it sits in. */
function isEasyRecovery(target: PaceTarget | undefined): boolean {
  return target === 'jog' || target === 'recovery';
}

function intensityOf(role: Role, target: PaceTarget | undefined): FitIntensity {
  if (role === 'warmup' || role === 'cooldown' || role === 'recovery') return role;
  return isEasyRecovery(target) ? 'recovery' : 'active';
}

function quantity(step: Step): string {
  if (step.distance_meters !== undefined) return formatDistance(step.distance_meters);
  if (step.duration_seconds !== undefined) return formatDuration(step.duration_seconds);
  return '';
}

/** "800 m I", "3 min T", "Jog": what a watch can show in its step title. */
function blockStepName(step: Step, intensity: FitIntensity): string {
  const target = step.pace_target;
  if (intensity === 'recovery') return target === 'jog' ? 'Jog' : 'Recovery';
  const qty = quantity(step);
  if (qty === '') return target ? TARGET_WORD[target] : 'Run';
  return target ? `${qty} ${TARGET_ABBR[target]}` : qty;
}

/** The target written out for the step's notes, in the runner's units. */
function targetNote(target: PaceTarget | undefined, ctx: Context): string | undefined {
  if (target === undefined) return undefined;
  if (ctx.targets.kind === 'pace') {
    const range = ctx.targets.table[target];
    if (!range) return undefined;
    const fast = formatPace(range.fast_seconds_per_km, ctx.units);
    const slow = formatPace(range.slow_seconds_per_km, ctx.units);
    return `${TARGET_WORD[target]} ${fast}–${slow} /${ctx.units}`;
  }
  const range = ctx.targets.table[target];
  return range ? `${TARGET_WORD[target]} HR ${Math.round(range.low_bpm)}–${Math.round(range.high_bpm)} bpm` : undefined;
}

function duration(step: Step): Pick<FitStep, 'durationType' | 'durationValue'> {
  if (step.duration_seconds !== undefined) return { durationType: 'time', durationValue: step.duration_seconds * 1000 };
  if (step.distance_meters !== undefined) {
    return { durationType: 'distance', durationValue: Math.round(step.distance_meters * 100) };
  }
  return { durationType: 'open' };
}

type TargetFields = Pick<FitStep, 'targetType' | 'targetValue' | 'customTargetValueLow' | 'customTargetValueHigh'>;

/** A custom range: targetValue 0, speed in mm/s with low = the slowest pace, HR as bpm + 100. */
function target(pace: PaceTarget | undefined, ctx: Context): TargetFields {
  if (pace === undefined) return { targetType: 'open' };
  if (ctx.targets.kind === 'pace') {
    const range = ctx.targets.table[pace];
    if (!range) throw new Error(`no pace for ${pace}: validate targets before planning steps`);
    return {
      targetType: 'speed',
      targetValue: 0,
      customTargetValueLow: Math.round(1_000_000 / range.slow_seconds_per_km),
      customTargetValueHigh: Math.round(1_000_000 / range.fast_seconds_per_km),
    };
  }
  const range = ctx.targets.table[pace];
  if (!range) throw new Error(`no heart rate for ${pace}: validate targets before planning steps`);
  return {
    targetType: 'heartRate',
    targetValue: 0,
    customTargetValueLow: Math.round(range.low_bpm) + 100,
    customTargetValueHigh: Math.round(range.high_bpm) + 100,
  };
}

function notesFor(parts: Array<string | undefined>): string | undefined {
  const text = parts
    .map((part) => (part === undefined ? '' : cleanText(part)))
    .filter((part) => part !== '')
    .join(' · ');
  return text === '' ? undefined : clipUtf8(text, MAX_FIT_STRING_BYTES);
}

function fitStep(index: number, step: Step, name: string, intensity: FitIntensity, extraNotes: string | undefined, ctx: Context): FitStep {
  return {
    messageIndex: index,
    wktStepName: clipChars(name, MAX_STEP_NAME_CHARS),
    ...duration(step),
    ...target(step.pace_target, ctx),
    intensity,
    notes: notesFor([extraNotes, step.notes, targetNote(step.pace_target, ctx)]),
  };
}

function simpleName(segment: SimpleSegment): string {
  if (segment.type !== 'steady') return SIMPLE_LABEL[segment.type];
  return segment.pace_target ? TARGET_WORD[segment.pace_target] : 'Run';
}

/** Children first, then the repeat step pointing back at the first child (docs/FIT.md §"Raw values"). */
function addBlock(steps: FitStep[], children: Array<{ step: Step; role: Role }>, repeats: number, notes: string | undefined, ctx: Context): void {
  const first = steps.length;
  children.forEach(({ step, role }, i) => {
    const intensity = intensityOf(role, step.pace_target);
    steps.push(fitStep(steps.length, step, blockStepName(step, intensity), intensity, i === 0 ? notes : undefined, ctx));
  });
  // A block done once needs no repeat step; every watch understands plain steps.
  if (repeats > 1) {
    steps.push({
      messageIndex: steps.length,
      durationType: 'repeatUntilStepsCmplt',
      durationValue: first,
      targetType: 'open',
      targetValue: repeats,
    });
  }
}

/**
 * Turns a validated structure into workout_step messages in raw FIT units. Targets must
 * already cover every pace_target used (see checkTargets); a gap is a bug and throws.
 */
export function planSteps(structure: WorkoutStructure, targets: Targets, units: Units): FitStep[] {
  const ctx: Context = { targets, units };
  const steps: FitStep[] = [];
  for (const segment of structure.segments) {
    if (segment.type === 'interval') {
      const children: Array<{ step: Step; role: Role }> = [{ step: segment.work, role: 'work' }];
      if (segment.recovery) children.push({ step: segment.recovery, role: 'recovery' });
      addBlock(steps, children, segment.repeats, segment.notes, ctx);
    } else if (segment.type === 'repeat') {
      const children = segment.steps.map((step) => ({ step, role: 'work' as const }));
      addBlock(steps, children, segment.repeats, segment.notes, ctx);
    } else {
      const role: Role = segment.type === 'steady' || segment.type === 'strides' ? 'work' : segment.type;
      const intensity = intensityOf(role, segment.pace_target);
      steps.push(fitStep(steps.length, segment, simpleName(segment), intensity, undefined, ctx));
    }
  }
  return steps;
}

/** Every pace target a structure uses, in first-use order. */
export function usedTargets(structure: WorkoutStructure): PaceTarget[] {
  const seen = new Set<PaceTarget>();
  const add = (step: { pace_target?: PaceTarget | undefined }): void => {
    if (step.pace_target) seen.add(step.pace_target);
  };
  for (const segment of structure.segments) {
    if (segment.type === 'interval') {
      add(segment.work);
      if (segment.recovery) add(segment.recovery);
    } else if (segment.type === 'repeat') segment.steps.forEach(add);
    else add(segment);
  }
  return [...seen];
}
