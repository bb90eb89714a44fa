/**
 * Race-day form for the engine's race plans (issue 23 §6): the taper is sized by shares of peak
 * volume (frame.ts), but whether that leaves the runner fresh on the day depends on the whole
 * build. The engine reads the plan's load forecast (load-plan.ts, the same one the plan-quality
 * report reads) and, when race-day form misses the +5…+15 band, re-sizes the taper weeks within
 * the taper rule; what it cannot fix, and any too-steep fitness ramp, it explains in the plan's
 * own words (the plan's and the week's reasons, which the Plan screen shows).
 */
import type { LoadFinding } from '../schema/load.ts';
import type { Plan, Violation } from '../schema/plan.ts';
import { toDayNumber } from './dates.ts';
import type { Frame } from './frame.ts';
import { checkPlan } from './guardrails.ts';
import { LOAD_CHECK, raceFormBand } from './load-check.ts';
import { LOAD_RULES, loadFindings, planLoad, raceFormScaled, type PlanLoad } from './load-plan.ts';
import { LIMITS, isInjured, taperSecondWeekShare } from './rules.ts';
import { buildTimeline, type GuardrailContext } from './timeline.ts';

export const TAPER_FORM = {
  /** The taper's shares are scaled by at most this much either way (deeper or lighter). */
  deeper: 0.55,
  lighter: 1.4,
  /** No taper week below this share of peak: a taper is not a break. */
  minShare: 0.25,
  /** Head room under the taper rule's limits, since weeks come out a little off their target. */
  margin: 0.03,
  /** Aim this far inside the band, so a plan that lands near an edge is not pushed to the other. */
  aimInside: 3,
  /** Form points a taper short of the band must gain to replace the engine's own. */
  worthwhile: 3,
} as const;

/** A composed plan and what its forecast says. */
interface Attempt {
  scale: number;
  plan: Plan;
  tsb: number;
  /** The race-day band for the fitness this plan builds (load-check.ts raceFormBand). */
  band: { min: number; max: number };
  findings: LoadFinding[];
  /** The guardrails other than the load's, read only for a plan that may be chosen (the check costs as much as composing). */
  guardrails: () => Violation[];
}

// Ids of the attempts: the chosen plan gets real ones from `newId` afterwards.
const TEMP = 'taper-try:';

const round = (x: number) => Math.round(x) || 0;
const signed = (x: number) => (round(x) > 0 ? `+${round(x)}` : `${round(x)}`);

/** The frame with its taper weeks' shares scaled by `scale`, each kept within the taper rule. */
export function scaleTaper(frame: Frame, scale: number, raceMeters: number): Frame {
  const taper = frame.weeks.filter((w) => w.role === 'taper');
  const last = taper[taper.length - 1]?.index;
  const secondCap = taperSecondWeekShare(raceMeters) ?? LIMITS.taperFinalWeekShare;
  const weeks = frame.weeks.map((w) => {
    if (w.role !== 'taper') return w;
    const cap = (w.index === last ? LIMITS.taperFinalWeekShare : w.index === last! - 1 ? secondCap : 0.9) - TAPER_FORM.margin;
    return { ...w, taperShare: Math.min(cap, Math.max(TAPER_FORM.minShare, w.taperShare * scale)) };
  });
  return { ...frame, weeks };
}

/**
 * Composes the plan with its taper sized so race-day form lands in the band, when the guardrails
 * allow it; `compose` must be deterministic. Ids come from `newId` in the order the chosen plan
 * made them, so a retried taper uses no extra ids.
 */
export function composeForRaceForm(frame: Frame, compose: (frame: Frame, newId: () => string) => Plan, ctx: GuardrailContext, newId: () => string): Plan {
  const goal = ctx.goal;
  const framed = (scale: number) => (goal?.kind === 'race' && scale !== 1 ? scaleTaper(frame, scale, goal.target_race_distance_meters) : frame);
  const attempt = (scale: number): Attempt & { load: PlanLoad } => {
    let n = 0;
    const plan = compose(framed(scale), () => `${TEMP}${n++}`);
    const t = buildTimeline(plan, ctx);
    const load = planLoad(plan, t, ctx);
    const race = load.days.find((d) => d.date === load.raceDate);
    let guardrails: Violation[] | null = null;
    const check = () => (guardrails ??= checkPlan(plan, ctx).filter((v) => !LOAD_RULES.has(v.rule)));
    return { scale, plan, load, tsb: race?.tsb ?? 0, band: raceFormBand(race?.ctl ?? 0), findings: loadFindings(load, t), guardrails: check };
  };
  const inBand = (a: Attempt) => a.tsb >= a.band.min && a.tsb <= a.band.max;
  // Only a plan the guardrails pass as cleanly as the first one may replace it.
  const clean = (a: Attempt, base: Attempt) => a.guardrails().length <= base.guardrails().length && a.guardrails().every((v) => v.severity !== 'hard');
  const first = attempt(1);
  let chosen: Attempt = first;
  const taperStart = frame.weeks.find((w) => w.role === 'taper')?.start_date;
  if (goal?.kind === 'race' && taperStart !== undefined && !inBand(first) && (ctx.today === undefined || goal.target_race_date >= ctx.today)) {
    const tired = first.tsb < first.band.min;
    const aim = tired ? first.band.min + TAPER_FORM.aimInside : first.band.max - TAPER_FORM.aimInside;
    const [lo, hi] = tired ? [TAPER_FORM.deeper, 1] : [1, TAPER_FORM.lighter];
    const clamp = (x: number) => Math.min(hi, Math.max(lo, x));
    // Form is linear in the loads: what the taper weeks' load adds to race-day form tells the
    // scale that reaches `aim`, were the weeks to scale exactly; a secant step corrects for the
    // weeks coming out a little off (sessions, the taper rule's caps).
    const doubled = raceFormScaled(first.load, taperStart, 2);
    const perScale = doubled === null ? 0 : doubled - first.tsb;
    const tries: Attempt[] = [];
    // A taper already at the taper rule's caps cannot move: no try.
    const movable = JSON.stringify(framed(tired ? lo : hi).weeks) !== JSON.stringify(frame.weeks);
    if (movable && perScale < 0) {
      const guess = clamp(1 + (aim - first.tsb) / perScale);
      const a = attempt(guess);
      tries.push(a);
      if (!inBand(a) && a.tsb !== first.tsb) {
        const next = clamp(1 + ((aim - first.tsb) * (a.scale - 1)) / (a.tsb - first.tsb));
        if (Math.abs(next - a.scale) > 0.02) tries.push(attempt(next));
      }
    }
    const good = tries.find((a) => inBand(a) && clean(a, first));
    // Short of the band, a re-sized taper is worth it only when it gets clearly closer.
    const closer = tries
      .filter((a) => Math.abs(a.tsb - aim) <= Math.abs(first.tsb - aim) - TAPER_FORM.worthwhile)
      .sort((a, b) => Math.abs(a.tsb - aim) - Math.abs(b.tsb - aim))
      .find((a) => clean(a, first));
    chosen = good ?? closer ?? first;
  }
  return explain(reId(chosen.plan, newId), chosen, first, ctx);
}

/** The plan with real ids in the order its workouts were made (the temporary ids count up). */
function reId(plan: Plan, newId: () => string): Plan {
  const temp = plan.workouts.filter((w) => w.id.startsWith(TEMP)).map((w) => Number(w.id.slice(TEMP.length)));
  const ids = new Map<number, string>();
  for (const k of [...temp].sort((a, b) => a - b)) ids.set(k, newId());
  return { ...plan, workouts: plan.workouts.map((w) => (w.id.startsWith(TEMP) ? { ...w, id: ids.get(Number(w.id.slice(TEMP.length)))! } : w)) };
}

/** Adds to the plan's reasons what the forecast still says: race-day form off the band, a steep ramp. */
function explain(plan: Plan, chosen: Attempt, first: Attempt, ctx: GuardrailContext): Plan {
  const band = { min: Math.round(chosen.band.min), max: Math.round(chosen.band.max) };
  const notes: string[] = [];
  const weekNotes = new Map<number, string[]>();
  const weekOf = (date: string) => {
    const day = toDayNumber(date);
    return [...plan.weeks].reverse().find((w) => toDayNumber(w.start_date) <= day)?.index ?? 0;
  };
  const addWeek = (index: number, text: string) => weekNotes.set(index, [...(weekNotes.get(index) ?? []), text]);
  const lastTaper = [...plan.weeks].reverse().find((w) => w.is_taper && plan.goal.kind === 'race' && w.start_date < plan.goal.target_race_date);
  if (chosen.scale !== 1 && lastTaper) {
    const moved = `taper ${chosen.scale < 1 ? 'deepened' : 'lightened'} so race-day form lands at ${signed(chosen.tsb)} (was ${signed(first.tsb)}; runners race best at ${signed(band.min)} to ${signed(band.max)})`;
    notes.push(moved);
    addWeek(lastTaper.index, moved);
  }
  for (const v of chosen.findings) {
    if (v.rule === 'race_day_form') {
      const why =
        chosen.tsb < band.min
          ? `race-day form is forecast at ${signed(chosen.tsb)}, below the ${signed(band.min)} to ${signed(band.max)} runners race best at: the taper cannot go deeper within the guardrails, so take race week easy and rest the day before`
          : `race-day form is forecast at ${signed(chosen.tsb)}, fresher than the ${signed(band.min)} to ${signed(band.max)} a race needs: the taper cannot keep more running within the taper rule (at most ${Math.round(LIMITS.taperFinalWeekShare * 100)}% of peak in the last 7 days) and the other guardrails, so keep the strides and race-pace pick-ups of race week`;
      notes.push(why);
      if (lastTaper) addWeek(lastTaper.index, why);
    } else {
      const limit = isInjured(ctx.profile.injury_notes) ? LOAD_CHECK.maxRampPerWeekInjured : LOAD_CHECK.maxRampPerWeek;
      const why = `fitness is forecast to climb about ${v.value} points a week here, past the ~${limit} the body adapts to comfortably: the plan needs this build to have you ready in the weeks there are; take an extra easy day if your legs stay heavy`;
      addWeek(weekOf(v.date), why);
      notes.push(`a steep build around ${v.date}`);
    }
  }
  if (notes.length === 0) return plan;
  return {
    ...plan,
    reason: `${plan.reason}; ${notes.join('; ')}`,
    weeks: plan.weeks.map((w) => (weekNotes.has(w.index) ? { ...w, reason: `${w.reason}; ${weekNotes.get(w.index)!.join('; ')}` } : w)),
  };
}
