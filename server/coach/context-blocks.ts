import { describeStructure } from '#shared/calendar/describe.ts';
import type { Feasibility, Goal } from '#shared/schema/goal.ts';
import type { CompletedRun, PlanWeek } from '#shared/schema/plan.ts';
import type { PaceTable, WorkoutStructure } from '#shared/schema/workout.ts';
import { addDays, weekday } from '#shared/training/dates.ts';
import { runnerPaces } from '#shared/training/timeline.ts';
import { formatDistance, formatDuration, formatPace, milesToMeters, perMileToPerKm, type DistanceUnit } from '#shared/training/units.ts';
import type { GoalRow } from '../goals/goals.ts';
import type { MemoryRow } from './memory-store.ts';
import type { ReadinessCheckinRow } from '../fitness/readiness.ts';
import { poorDayReason } from '#shared/training/readiness.ts';
import type { PlanRow } from '../plans/plans.ts';
import { engineProfile } from '../profile/training-context.ts';
import type { WorkoutRow } from '../workouts/workouts.ts';
import type { userProfiles } from '../db/schema.ts';
import { aiWorkoutStatus, type AiActivity, type AiCompletion, type RunTotals } from './policy.ts';

// Renders the runner's data as short lines under headings. Each block lists its lines most
// relevant first, so the budget trims from the end: the oldest runs, the farthest weeks.

/** A section of the runner data; lower `priority` is kept first when the budget is tight. */
export interface Block {
  key: string;
  title: string;
  priority: number;
  lines: string[];
  /** The row each line was written from, in the same order (memories: the snapshot names what the coach saw). */
  ids?: string[];
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Formatting in the runner's units. */
export class Fmt {
  constructor(
    readonly units: DistanceUnit,
    readonly paces: PaceTable | null,
  ) {}
  dist = (m: number | null | undefined): string => (m == null ? '?' : formatDistance(m, this.units));
  dur = (s: number | null | undefined): string => (s == null ? '?' : formatDuration(s));
  day = (date: string): string => `${date} ${DAYS[weekday(date)]}`;
  structure = (structure: unknown): string => {
    if (!this.paces) return '';
    try {
      return describeStructure(structure as WorkoutStructure, this.paces, this.units).join('; ');
    } catch {
      return '';
    }
  };
}

type Profile = typeof userProfiles.$inferSelect;

/** Formatting for this runner: their units, and their paces when the profile allows computing them. */
export function runnerFmt(profile: Profile, goal: Goal | null, today: string, fitnessRuns: readonly CompletedRun[]): Fmt {
  try {
    return new Fmt(profile.units, runnerPaces(engineProfile(profile, fitnessRuns), goal, today).paces);
  } catch {
    // An incomplete profile has no paces yet: steps are then left out.
    return new Fmt(profile.units, null);
  }
}

/** Who the runner is and what they told us. */
export function profileBlock(name: string, p: Profile, today: string, f: Fmt): Block {
  const pace = p.easy_pace_per_mile_seconds === null ? 'not given' : formatPace(perMileToPerKm(p.easy_pace_per_mile_seconds), f.units);
  return {
    key: 'profile',
    title: 'Runner',
    priority: 0,
    lines: [
      `Name: ${name}. Today is ${f.day(today)} (time zone ${p.time_zone}); units: ${f.units}; targets by ${p.target_type === 'heart_rate' ? 'heart rate' : 'pace'}.`,
      `Runs now: ${p.current_weekly_mileage_miles === null ? '?' : f.dist(milesToMeters(p.current_weekly_mileage_miles))} a week on ${p.days_available_per_week ?? '?'} days; easy pace ${pace}.`,
      `Injury notes: ${p.injury_notes?.trim() || 'none'}.`,
    ],
  };
}

/** Goals with the feasibility verdict computed from allowed data. */
export function goalsBlock(goals: { row: GoalRow; feasibility: Feasibility | null }[], f: Fmt): Block {
  const lines = goals.map(({ row, feasibility }) => {
    const what =
      row.goal_type === 'race'
        ? `${f.dist(row.target_race_distance_meters)} race on ${row.target_race_date}${row.target_time_seconds ? `, target ${f.dur(row.target_time_seconds)}` : ', to finish'}`
        : `${row.target_weekly_mileage_miles} miles a week${row.end_date ? ` by ${row.end_date}` : ''}`;
    const verdict = feasibility ? ` Feasibility: ${feasibility.verdict.replace('_', ' ')} — ${feasibility.sentence}` : '';
    return `- "${row.title}" (${row.status}): ${what}.${verdict}`;
  });
  return { key: 'goals', title: 'Goals', priority: 1, lines: lines.length ? lines : ['No active goal.'] };
}

function workoutLine(w: WorkoutRow, f: Fmt, withheld: Set<string>, detail: boolean): string {
  const size = [
    w.estimated_distance_meters ? f.dist(w.estimated_distance_meters) : null,
    w.estimated_duration_minutes ? f.dur(w.estimated_duration_minutes * 60) : null,
  ]
    .filter(Boolean)
    .join(', ');
  const steps = detail ? f.structure(w.structure) : '';
  const notes = w.notes ? `; runner's notes: "${w.notes}"` : '';
  const rpe = w.rpe ? `; RPE ${w.rpe}` : '';
  return `- ${f.day(w.scheduled_date)} [id ${w.id}] ${w.title} (${w.workout_type}${size ? `, ${size}` : ''}) — ${aiWorkoutStatus(w, withheld)}${rpe}${notes}${steps ? `. Steps: ${steps}` : ''}`;
}

/** This week and next in detail, with workout ids the tools accept. */
export function nearPlanBlock(plan: PlanRow | null, near: WorkoutRow[], f: Fmt, withheld: Set<string>): Block {
  if (!plan) return { key: 'plan', title: 'Plan', priority: 2, lines: ['No active plan.'] };
  const head =
    `Plan ${plan.methodology}, ${plan.start_date} to ${plan.end_date}${plan.vdot ? `, VDOT ${plan.vdot.toFixed(1)}` : ''}. ${plan.reason ?? ''}`.trim();
  const lines = near.map((w) => workoutLine(w, f, withheld, true));
  return { key: 'plan', title: 'Plan: the next two weeks', priority: 2, lines: [head, ...(lines.length ? lines : ['No workouts in the next two weeks.'])] };
}

/** The rest of the plan, a line per week, nearest first. */
export function laterPlanBlock(plan: PlanRow | null, from: string, f: Fmt): Block {
  const weeks = ((plan?.weeks ?? []) as PlanWeek[]).filter((w) => addDays(w.start_date, 6) >= from);
  const lines = weeks.map(
    (w) =>
      `- Week ${w.index + 1} from ${w.start_date} (${w.phase}${w.is_recovery ? ', recovery' : ''}${w.is_taper && w.phase !== 'taper' ? ', taper' : ''}): ${f.dist(w.estimated_distance_meters)}, ${f.dur(w.estimated_duration_minutes * 60)}`,
  );
  return { key: 'later', title: 'Plan: later weeks', priority: 7, lines };
}

// How the coach is told where a run came from.
const SOURCE_WORDS: Record<string, string> = { fit_upload: 'watch file', file_import: 'imported file', strava_export: "runner's Strava export" };

/** What the runner did lately: completions (policy-filtered) and runs from allowed sources, newest first. */
export function recentBlock(completions: AiCompletion[], runs: AiActivity[], f: Fmt): Block {
  const items: { date: string; line: string }[] = [];
  for (const c of completions) {
    const feel = [c.rpe ? `RPE ${c.rpe}` : null, c.notes ? `notes: "${c.notes}"` : null].filter(Boolean).join('; ');
    if (c.withheld) {
      if (feel) items.push({ date: c.date, line: `- ${f.day(c.date)} ${c.title} (planned ${f.dist(c.estimated_distance_meters)}): ${feel}` });
      continue;
    }
    const done = c.distance_meters || c.duration_seconds ? ` ${f.dist(c.distance_meters)} in ${f.dur(c.duration_seconds)}` : '';
    items.push({
      date: c.date,
      line: `- ${f.day(c.date)} ${c.title} (planned ${f.dist(c.estimated_distance_meters)}): ${c.status}${done}${feel ? `; ${feel}` : ''}`,
    });
  }
  for (const r of runs) {
    const hr = r.average_heartrate ? `, avg HR ${Math.round(r.average_heartrate)}` : '';
    const climb = r.total_elevation_gain ? `, climb ${Math.round(r.total_elevation_gain)} m` : '';
    items.push({
      date: r.local_date,
      line: `- ${f.day(r.local_date)} run${r.name ? ` "${r.name}"` : ''} (${SOURCE_WORDS[r.source] ?? r.source}): ${f.dist(r.distance_meters)} in ${f.dur(r.moving_time_seconds)}${hr}${climb}`,
    });
  }
  items.sort((a, b) => b.date.localeCompare(a.date));
  return {
    key: 'recent',
    title: 'Recent training (last 4 weeks)',
    priority: 5,
    lines: items.length ? items.map((i) => i.line) : ['Nothing logged in the last 4 weeks.'],
  };
}

/** Injuries and preferences the coach remembers (always relevant). */
export function notesMemoryBlock(memories: MemoryRow[]): Block {
  const notes = memories.filter((m) => m.summary_type !== 'training_week');
  const lines = notes.map((m) => `- ${m.summary_type}${m.source_date_range_start ? ` (week of ${m.source_date_range_start})` : ''}: ${m.content}`);
  return { key: 'memory', title: 'What you remember: injuries and preferences', priority: 3, lines, ids: notes.map((m) => m.id) };
}

/** Weekly training summaries, newest first. */
export function weeksMemoryBlock(memories: MemoryRow[]): Block {
  const weeks = memories.filter((m) => m.summary_type === 'training_week');
  const lines = weeks.map((m) => `- Week of ${m.source_date_range_start}: ${m.content}`);
  return { key: 'weeks', title: 'What you remember: past weeks', priority: 6, lines, ids: weeks.map((m) => m.id) };
}

/** Aggregate stats of the runner's own runs (allowed sources only): all time and the last four weeks. */
export function totalsBlock(totals: { all: RunTotals; lastFourWeeks: RunTotals }, f: Fmt): Block {
  const line = (label: string, t: RunTotals) => `- ${label}: ${t.runs} run${t.runs === 1 ? '' : 's'}, ${f.dist(t.meters)}, ${f.dur(t.seconds)}`;
  const lines = totals.all.runs === 0 ? [] : [line('Last 4 weeks', totals.lastFourWeeks), line(`All runs on record since ${totals.all.since}`, totals.all)];
  return { key: 'totals', title: 'Training totals', priority: 3, lines };
}

/** The runner's morning check-ins of the last week, newest first (1 good … 5 bad), with poor days named. */
export function readinessBlock(checkins: readonly ReadinessCheckinRow[], f: Fmt): Block {
  const lines = checkins.slice(0, 7).map((c) => {
    const hr = c.resting_hr ? `, resting HR ${c.resting_hr}` : '';
    const poor = poorDayReason(c, checkins);
    return `- ${f.day(c.date)}: sleep ${c.sleep}, soreness ${c.soreness}, stress ${c.stress} (${c.sleep + c.soreness + c.stress}/15)${hr}${poor ? ` (${poor})` : ''}`;
  });
  return { key: 'readiness', title: 'Morning check-ins (1 good … 5 bad)', priority: 4, lines };
}
