/** Guardrails on load over time: ramps, single-run spikes, long-run cap, recovery weeks, taper. */
import type { Violation } from '../schema/plan.ts';
import { fromDayNumber } from './dates.ts';
import { LIMITS, isDownWeek, raceBucket, longRunCapSeconds, longRunFloorMeters, longRunShareCap, taperDays, taperSecondWeekShare } from './rules.ts';
import { volumeOf, weekIsOpen, weekStartDay, distanceText, type Timeline } from './timeline.ts';
import type { Goal } from '../schema/goal.ts';
import type { Methodology } from '../schema/plan.ts';

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const EPS = 1; // one meter of rounding slack

/** No run longer than 1.10 × the longest of the previous 30 days (hard past 1.30 ×). */
export function checkSpikes(t: Timeline): Violation[] {
  const out: Violation[] = [];
  const runs = [...t.runs].sort((a, b) => a.day - b.day);
  for (const w of t.workouts) {
    if (w.past || w.goalRace || w.meters <= 0) continue;
    let longest = 0;
    for (const r of runs) {
      if (r.day >= w.day) break;
      if (r.day >= w.day - LIMITS.spikeWindowDays) longest = Math.max(longest, r.meters);
    }
    // After a month off the longest run is zero; a short run (≈2 km) is always a safe restart.
    longest = Math.max(longest, LIMITS.minLongestRunMeters);
    if (w.meters <= LIMITS.spike * longest + EPS) continue;
    const hard = w.meters > LIMITS.spikeHard * longest;
    out.push({
      rule: 'single_run_spike',
      week: w.week,
      date: w.date,
      ...(w.id ? { workout_id: w.id } : {}),
      severity: hard ? 'hard' : 'soft',
      reason: `${distanceText(t, w.meters)} on ${w.date} is more than 10% longer than your longest run of the 30 days before (${distanceText(t, longest)}): single long jumps like that are what injures runners, so build up to it.`,
    });
  }
  return out;
}

/**
 * The longest run of a week ≤ its share of the week and its time cap, by methodology (rules.ts:
 * Daniels' 30% and 150/180 min; wider for Pfitzinger and 80/20). A long run within the race's
 * beginner floor (10 mi half, 18 mi marathon) is within limits for anyone training for it.
 */
export function checkLongRuns(t: Timeline, goal: Goal | null, methodology: Methodology | null = null): Violation[] {
  const out: Violation[] = [];
  const capSeconds = longRunCapSeconds(goal, t.vdot, methodology);
  const floor = longRunFloorMeters(goal);
  for (let k = 0; k < t.weekCount; k++) {
    if (!weekIsOpen(t, k)) continue;
    const runs = t.workouts.filter((w) => w.week === k && !w.past && !w.goalRace && w.meters > 0);
    const longest = runs.reduce<(typeof runs)[number] | undefined>((a, w) => (a && a.meters >= w.meters ? a : w), undefined);
    if (!longest || longest.meters <= floor + EPS) continue;
    // Fewer runs in a week make each a bigger share of it: the cap follows the days actually run.
    const share = longRunShareCap(Math.min(t.daysAvailable, new Set(runs.map((w) => w.day)).size), methodology);
    // The first week may be partial; judge it against the volume the runner is used to.
    const weekRef = k === 0 ? Math.max(volumeOf(t, 0), t.baseline) : volumeOf(t, k);
    const capMeters = share * weekRef;
    const id = longest.id ? { workout_id: longest.id } : {};
    if (longest.meters > capMeters + EPS) {
      out.push({
        rule: 'long_run_cap',
        week: k,
        date: longest.date,
        ...id,
        severity: longest.meters > 1.25 * capMeters ? 'hard' : 'soft',
        reason: `The ${distanceText(t, longest.meters)} run on ${longest.date} is more than ${pct(share)} of that week's ${distanceText(t, weekRef)}: shorten it or spread the distance over the week.`,
      });
    } else if (longest.seconds > capSeconds + 1) {
      out.push({
        rule: 'long_run_cap',
        week: k,
        date: longest.date,
        ...id,
        severity: longest.seconds > 1.25 * capSeconds ? 'hard' : 'soft',
        reason: `The run on ${longest.date} takes about ${Math.round(longest.seconds / 60)} min, longer than the ${capSeconds / 60} min one run should take: shorten it.`,
      });
    }
  }
  return out;
}

/** A down week at least every 4th week, and recovery weeks free of R/I work with a shorter long run. */
export function checkRecoveryWeeks(t: Timeline, flagged: ReadonlySet<number> | null): Violation[] {
  const out: Violation[] = [];
  const vol = (k: number) => volumeOf(t, k);
  let streak = 0;
  for (let k = 0; k < t.weekCount; k++) {
    // Taper weeks are down weeks by definition, however they compare with the weeks before.
    const inTaper = t.raceDay !== null && t.raceMeters !== null && weekStartDay(t, k) + 7 + taperDays(t.raceMeters) > t.raceDay;
    const down = isDownWeek(vol, k) || inTaper;
    streak = down ? 0 : streak + 1;
    // A week already run past its recovery level, with nothing left planned, is the past's doing.
    if (streak > LIMITS.maxWeeksWithoutDown && weekIsOpen(t, k) && (t.weekPlanned[k] ?? 0) > 0) {
      out.push({
        rule: 'recovery_week',
        week: k,
        date: fromDayNumber(weekStartDay(t, k)),
        severity: 'soft',
        reason: `Week ${k + 1} makes ${streak} weeks in a row without an easier week: every 3–4 weeks, cut the volume by 20–30% so your body can absorb the training.`,
      });
      streak = 0;
    }
  }
  const recoveryWeeks = flagged ?? new Set<number>();
  for (const k of recoveryWeeks) {
    if (!weekIsOpen(t, k)) continue;
    const runs = t.workouts.filter((w) => w.week === k && !w.past);
    for (const w of runs) {
      const e = w.estimate;
      if (e && e.zones.R.meters + e.zones.I.meters > 0) {
        out.push({
          rule: 'recovery_week',
          week: k,
          date: w.date,
          ...(w.id ? { workout_id: w.id } : {}),
          severity: 'soft',
          reason: `Week ${k + 1} is a recovery week, but ${w.date} has interval or repetition work: keep the recovery week free of it (no R or I).`,
        });
      }
    }
    // Judge the runs still planned this week against the longest run of the week before.
    const before = t.weekLongest[k - 1] ?? 0;
    const planned = Math.max(0, ...runs.filter((w) => !w.goalRace).map((w) => w.meters));
    if (k > 0 && before > 0 && planned > 0 && planned >= before - EPS) {
      out.push({
        rule: 'recovery_week',
        week: k,
        date: fromDayNumber(weekStartDay(t, k)),
        severity: 'soft',
        reason: `Week ${k + 1} is a recovery week, but its long run is not shorter than the week before's: shorten it.`,
      });
    }
  }
  return out;
}

/**
 * The last 7 days' share of the peak week a taper allows, by distance (docs/TRAINING.md §Taper: 5–10 km
 * volume −20–30%; half and marathon as before, marathon 80 / 65 / 45%): soft past `soft`, refused past `hard`.
 */
export function finalWeekShare(meters: number): { soft: number; hard: number } {
  const bucket = raceBucket(meters);
  if (bucket === 'short') return { soft: 0.8, hard: 0.95 };
  // Half and marathon: the last week at most ~60% of peak (marathon 80 / 65 / 45%).
  return { soft: LIMITS.taperFinalWeekShare, hard: LIMITS.taperFinalWeekHard };
}

/** Before a race: the last 7 days down from peak by distance (and the week before that for half/marathon), intensity kept. */
export function checkTaper(t: Timeline): Violation[] {
  if (t.raceDay === null || t.raceMeters === null) return [];
  const race = t.raceDay;
  if (t.todayDay !== null && race - 1 < t.todayDay) return [];
  const out: Violation[] = [];
  let peak = t.baseline;
  for (let k = 0; k < t.weekCount; k++) peak = Math.max(peak, volumeOf(t, k));
  const sum = (from: number, to: number) => {
    let total = 0;
    for (let d = from; d <= to; d++) total += t.dayVolume.get(d) ?? 0;
    return total;
  };
  // Only what is still planned can be changed: a window run entirely in the past is not judged.
  const plannedIn = (from: number, to: number) => t.workouts.some((w) => !w.past && !w.goalRace && w.meters > 0 && w.day >= from && w.day <= to);
  const date = fromDayNumber(race - 7);
  const final = sum(race - 7, race - 1);
  const share = finalWeekShare(t.raceMeters);
  if (final > share.soft * peak + EPS && plannedIn(race - 7, race - 1)) {
    const hard = final > share.hard * peak;
    out.push({
      rule: 'taper',
      date,
      severity: hard ? 'hard' : 'soft',
      reason: `The last 7 days before the race hold ${distanceText(t, final)}, ${pct(final / peak)} of your ${distanceText(t, peak)} peak week: cut them to ${pct(share.soft)} or less (a taper of ${taperDays(t.raceMeters)}+ days) so you start the race fresh.`,
    });
  }
  const secondShare = taperSecondWeekShare(t.raceMeters);
  const second = sum(race - 14, race - 8);
  if (secondShare !== null && second > secondShare * peak + EPS && plannedIn(race - 14, race - 8)) {
    out.push({
      rule: 'taper',
      date: fromDayNumber(race - 14),
      severity: 'soft',
      reason: `The taper should start ${taperDays(t.raceMeters)}+ days before the race: ${distanceText(t, second)} in the second-to-last week is ${pct(second / peak)} of your peak week. Ease off sooner to arrive fresh.`,
    });
  }
  const ahead = t.workouts.filter((w) => !w.past && w.day >= race - 10 && w.day < race && w.meters > 0);
  const sharpening = ahead.some((w) => w.estimate && w.estimate.duration_seconds - w.estimate.zones.E.seconds > 0);
  const hasRuns = ahead.length > 0;
  if (hasRuns && !sharpening) {
    out.push({
      rule: 'taper',
      date: fromDayNumber(race - 10),
      severity: 'soft',
      reason: 'Keep some faster running in the taper (race pace or strides in the last 10 days), so your legs stay sharp for the race.',
    });
  }
  return out;
}
