/** Guardrails on single sessions and the week's layout: structure, zone limits, easy share, days, race day. */
import type { Violation } from '../schema/plan.ts';
import { fromDayNumber, weekday as weekdayOf } from './dates.ts';
import { LIMITS, sessionCaps } from './rules.ts';
import { volumeOf, weekIsOpen, weekStartDay, type Timeline, distanceText, type TimelineWorkout } from './timeline.ts';

const idOf = (w: TimelineWorkout) => (w.id ? { workout_id: w.id } : {});

/** Every structure must validate against the workout schema. */
export function checkStructures(t: Timeline): Violation[] {
  return t.workouts
    .filter((w) => !w.valid && !w.past)
    .map((w) => ({
      rule: 'structure_invalid' as const,
      week: w.week,
      date: w.date,
      ...idOf(w),
      severity: 'hard' as const,
      reason: `The workout on ${w.date} has no steps a watch can follow: give it its warm-up, main set and cool-down again.`,
    }));
}

/** T, I, R and M volume per session, bout lengths and rests (docs/TRAINING.md §Sessions). */
export function checkSessions(t: Timeline): Violation[] {
  const out: Violation[] = [];
  for (const w of t.workouts) {
    if (w.past || !w.estimate || w.type === 'race') continue;
    const weekRef = w.week === 0 ? Math.max(volumeOf(t, 0), t.baseline) : volumeOf(t, w.week);
    const caps = sessionCaps(weekRef);
    const z = w.estimate.zones;
    const base = { week: w.week, date: w.date, ...idOf(w) };
    const over = (rule: 'session_limit', amount: number, cap: number, what: string) => {
      if (amount <= cap + 1) return;
      out.push({ rule, ...base, severity: amount > 1.5 * cap ? 'hard' : 'soft', reason: what });
    };
    over(
      'session_limit',
      z.T.meters,
      caps.T,
      `${distanceText(t, z.T.meters)} at threshold pace on ${w.date} is more than 10% of that week's ${distanceText(t, weekRef)}: shorten the threshold part.`,
    );
    over(
      'session_limit',
      z.I.meters,
      caps.I,
      `${distanceText(t, z.I.meters)} at interval pace on ${w.date} is more than one session should hold (${distanceText(t, LIMITS.intervalMaxMeters)}, and no more than 8% of the week): do fewer repeats.`,
    );
    over(
      'session_limit',
      z.R.meters,
      caps.R,
      `${distanceText(t, z.R.meters)} at repetition pace on ${w.date} is more than one session should hold (${distanceText(t, LIMITS.repetitionMaxMeters)}, and no more than 5% of the week): do fewer repeats.`,
    );
    over(
      'session_limit',
      z.M.meters,
      caps.Mmeters,
      `${distanceText(t, z.M.meters)} at marathon pace on ${w.date} is more than the ${distanceText(t, LIMITS.marathonPaceMaxMeters)} one session should hold: shorten the marathon-pace part.`,
    );
    over(
      'session_limit',
      z.M.seconds,
      caps.Mseconds,
      `${Math.round(z.M.seconds / 60)} min at marathon pace on ${w.date} is more than the 110 min one session should hold: shorten the marathon-pace part.`,
    );
    const bouts = w.estimate.bouts;
    if (bouts.some((b) => b.zone === 'I' && b.seconds > LIMITS.intervalBoutMaxSeconds)) {
      out.push({
        rule: 'bout_length',
        ...base,
        severity: 'soft',
        reason: `The interval repeats on ${w.date} are longer than 5 min: interval repeats work best at 3–5 min each.`,
      });
    }
    if (bouts.some((b) => b.zone === 'R' && b.seconds > LIMITS.repetitionBoutMaxSeconds)) {
      out.push({
        rule: 'bout_length',
        ...base,
        severity: 'soft',
        reason: `The fast repeats on ${w.date} are longer than 2 min: repetitions are short, 2 min at most.`,
      });
    }
    if (bouts.some((b) => b.zone === 'R' && b.in_block && b.recovery_seconds < LIMITS.repetitionRestRatio * b.seconds - 1)) {
      out.push({
        rule: 'bout_length',
        ...base,
        severity: 'soft',
        reason: `The rests between the fast repeats on ${w.date} are too short: rest 2–3 times as long as each repeat.`,
      });
    }
    if (t.injured && z.R.meters > 0) {
      out.push({
        rule: 'injury',
        ...base,
        severity: 'soft',
        reason: `The session on ${w.date} has fast repeats or strides: leave them out while your injury notes stand.`,
      });
    }
  }
  return out;
}

/** At least 75% of running time easy, over each rolling 3-week window (the goal race left out). */
export function checkEasyShare(t: Timeline): Violation[] {
  const out: Violation[] = [];
  const easy = new Array<number>(t.weekCount).fill(0);
  const total = new Array<number>(t.weekCount).fill(0);
  for (const w of t.workouts) {
    // Past sessions were done (or not) as they were; the share is judged on what is still planned.
    if (!w.estimate || w.goalRace || w.past || w.week < 0 || w.type === 'rest' || w.type === 'cross_training') continue;
    easy[w.week] = (easy[w.week] ?? 0) + w.estimate.zones.E.seconds;
    total[w.week] = (total[w.week] ?? 0) + w.estimate.duration_seconds;
  }
  const span = Math.min(LIMITS.easyShareWindowWeeks, t.weekCount);
  for (let end = span - 1; end < t.weekCount; end++) {
    if (!weekIsOpen(t, end)) continue;
    let e = 0;
    let all = 0;
    for (let k = end - span + 1; k <= end; k++) {
      e += easy[k] ?? 0;
      all += total[k] ?? 0;
    }
    if (all <= 0 || e >= LIMITS.easyShare * all - 1) continue;
    const share = e / all;
    out.push({
      rule: 'easy_share',
      week: end,
      date: fromDayNumber(weekStartDay(t, end)),
      severity: share < LIMITS.easyShareHard ? 'hard' : 'soft',
      reason: `Only ${Math.round(share * 100)}% of your running time is easy in weeks ${end - span + 2}–${end + 1}: keep at least 75–80% of it easy, so the hard sessions count.`,
    });
  }
  return out;
}

/** No more running days in a week than the runner has, and no two hard days back to back. */
export function checkDays(t: Timeline): Violation[] {
  const out: Violation[] = [];
  for (let k = 0; k < t.weekCount; k++) {
    if (!weekIsOpen(t, k)) continue;
    // Days the week runs: its planned runs, and for the days before today, when the record
    // stands for them, the days actually run (a missed workout is not a running day).
    const planned = t.workouts.filter((w) => w.week === k && w.meters > 0 && !(t.pastIsRecorded && w.past));
    const days = new Set(planned.map((w) => w.day));
    if (t.pastIsRecorded && t.todayDay !== null)
      for (const [day, meters] of t.dayVolume) if (meters > 0 && day < t.todayDay && Math.floor((day - t.anchorDay) / 7) === k) days.add(day);
    if (days.size > t.daysAvailable) {
      out.push({
        rule: 'days_available',
        week: k,
        date: fromDayNumber(weekStartDay(t, k)),
        severity: 'hard',
        reason: `Week ${k + 1} has ${days.size} running days, more than the ${t.daysAvailable} a week you have: drop or merge a run.`,
      });
    }
  }
  const hard = t.workouts.filter((w) => w.hard).sort((a, b) => a.day - b.day);
  for (let i = 1; i < hard.length; i++) {
    const prev = hard[i - 1]!;
    const cur = hard[i]!;
    if (cur.past || cur.day - prev.day > 1) continue;
    out.push({
      rule: 'hard_days_in_row',
      week: cur.week,
      date: cur.date,
      ...idOf(cur),
      severity: 'soft',
      reason: `${prev.date} and ${cur.date} are both hard days in a row: put an easy day or a rest day between them.`,
    });
  }
  return out;
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/**
 * Availability is law (docs/TRAINING.md §"Safety guardrails"): no run on a weekday the runner has not given, and the long
 * run on their long-run day. Refused in a plan the engine or the coach makes; a run the runner
 * moved there themselves (`edited_by_user`) is their call, so it is only pointed out.
 */
export function checkAvailability(t: Timeline): Violation[] {
  const out: Violation[] = [];
  const available = t.availableDays;
  const longDay = t.longRunDay !== null && (available === null || available.has(t.longRunDay)) ? t.longRunDay : null;
  if (available === null && longDay === null) return out;
  const given = available ? [...available].sort((a, b) => a - b).map((d) => DAY_NAMES[d]) : [];
  for (const w of t.workouts) {
    // The goal race falls where the race is; rest and cross-training are not runs.
    if (w.past || w.goalRace || w.meters <= 0) continue;
    const weekday = weekdayOf(w.date);
    const severity = w.editedByUser ? ('soft' as const) : ('hard' as const);
    const base = { week: w.week, date: w.date, ...idOf(w), severity };
    if (available !== null && !available.has(weekday)) {
      out.push({
        rule: 'available_days',
        ...base,
        reason: `${DAY_NAMES[weekday]} ${w.date} is not one of your running days (${given.join(', ')}): move this run to one of them, or add ${DAY_NAMES[weekday]} to your running days in Settings.`,
      });
    } else if (longDay !== null && w.type === 'long' && weekday !== longDay) {
      out.push({
        rule: 'long_run_day',
        ...base,
        reason: `Your long run is on ${DAY_NAMES[longDay]}s, but this one falls on ${DAY_NAMES[weekday]} ${w.date}: move it to ${DAY_NAMES[longDay]}, or change your long-run day in Settings.`,
      });
    }
  }
  return out;
}

/** A race goal's race is on race day, once. */
export function checkRaceDay(t: Timeline): Violation[] {
  if (t.raceDay === null) return [];
  if (t.todayDay !== null && t.raceDay < t.todayDay) return [];
  const onDay = t.workouts.filter((w) => w.goalRace);
  if (onDay.length === 1) return [];
  const date = fromDayNumber(t.raceDay);
  if (onDay.length === 0) return [{ rule: 'race_day', date, severity: 'hard', reason: `Your race on ${date} is not in the plan: put it back on race day.` }];
  return [{ rule: 'race_day', date, severity: 'hard', reason: `The plan has ${onDay.length} races on ${date}: keep just the one.` }];
}
