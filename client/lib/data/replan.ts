import { liveQuery, type Observable } from 'dexie';
import { goalFromRow, type GoalRowFields } from '#shared/schema/goal.ts';
import { runnerRecentRace, runnerWeek } from '#shared/schema/profile.ts';
import type { CompletedRun, HealthReport, Plan, TrainingProfile } from '#shared/schema/plan.ts';
import type { WorkoutStructure, WorkoutType } from '#shared/schema/workout.ts';
import { adaptPlan, type AdaptInput } from '#shared/training/adapt.ts';
import { addDays } from '#shared/training/dates.ts';
import { loadHistoryStart } from '#shared/training/load-report.ts';
import { recentFitnessRuns } from '#shared/training/zones.ts';
import { loadWhatIf, type LoadWhatIf, type WorkoutEdit } from '#shared/training/load-whatif.ts';
import { todayIn } from '../workout-view.ts';
import type { UserDb, ViewRow } from './db.ts';
import { readLoadInputs } from './training-load.ts';

// The illness/injury re-plan on the phone (issue 23 §4, offline too): the same shared adaptPlan
// the server runs for POST /api/plans/:id/adapt, given the same rows the server reads there
// (server/plans/adaptation.ts), read from Dexie. The device previews with it; the server makes
// the re-plan when the runner accepts (the acceptance waits here while the phone is offline).

/** The fields of a re-planned workout the preview carries, as the server's preview does. */
const PREVIEW_FIELDS = ['scheduled_date', 'workout_type', 'title', 'structure', 'estimated_distance_meters', 'estimated_duration_minutes'] as const;

/** What a re-plan would do, computed on this phone. */
export interface DevicePreview {
  planId: string;
  changed: boolean;
  reasons: string[];
  /** The re-plan as edits to the plan on the phone (new fields, removed workouts deleted). */
  edits: WorkoutEdit[];
  /** Race-day form and ramp with and without it. */
  whatIf: LoadWhatIf | null;
}

/** Why the phone cannot re-plan (the server could not either). */
export type PreviewBlocker = 'no_plan' | 'profile_incomplete';

/** adaptPlan's input from this phone's rows (report and ids aside), or why there is none. */
export async function readAdaptInput(db: UserDb, now: Date = new Date(db.now())): Promise<{ planId: string; input: Omit<AdaptInput, 'report' | 'newId'> } | { blocker: PreviewBlocker }> {
  const profileRow = await db.view('user_profiles').get(db.userId);
  const profile = engineProfile(profileRow);
  const plans = (await db.view('training_plans').toArray()).filter((row) => row.status === 'active' && row.deleted !== true);
  plans.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  const planRow = plans[0];
  const goalRow = planRow && typeof planRow.goal_id === 'string' ? await db.view('goals').get(planRow.goal_id) : undefined;
  if (!planRow || !goalRow) return { blocker: 'no_plan' };
  if (!profile) return { blocker: 'profile_incomplete' };
  const today = todayIn(typeof profileRow?.time_zone === 'string' ? profileRow.time_zone : 'UTC', now);
  const rows = (await db.view('workouts').where('training_plan_id').equals(String(planRow.id)).toArray()).filter((w) => w.deleted !== true);
  const byId = new Map(rows.map((w) => [String(w.id), w]));
  // The server's history: every stored activity of the last 60 days, and completions logged by hand at their planned size.
  const runs = await db.view('strava_activities').where('local_date').aboveOrEqual(addDays(today, -60)).toArray();
  const manual = (await db.view('workout_completions').toArray()).filter((c) => c.completion_status === 'completed' && c.strava_activity_id == null);
  const history: CompletedRun[] = [
    ...runs.map((r) => ({ date: String(r.local_date), distance_meters: Number(r.distance_meters), duration_seconds: Number(r.moving_time_seconds) })),
    ...manual.flatMap((c) => {
      const w = byId.get(String(c.workout_id));
      return w ? [{ date: String(w.scheduled_date), distance_meters: Number(c.distance_meters ?? w.estimated_distance_meters ?? 0), workout_id: String(w.id) }] : [];
    }),
  ];
  const context = (planRow.generation_context ?? {}) as { vdot_source?: Plan['vdot_source'] };
  const plan: Plan = {
    methodology: planRow.methodology as Plan['methodology'],
    goal: goalFromRow(goalRow as unknown as GoalRowFields),
    start_date: String(planRow.start_date),
    end_date: String(planRow.end_date),
    vdot: Number(planRow.vdot ?? 0),
    vdot_source: context.vdot_source ?? 'easy_pace',
    phases: planRow.phases as Plan['phases'],
    weeks: planRow.weeks as Plan['weeks'],
    reason: typeof planRow.reason === 'string' ? planRow.reason : '',
    workouts: rows.map((w) => ({
      id: String(w.id),
      scheduled_date: String(w.scheduled_date),
      week_index: Number(w.week_index ?? 0),
      workout_type: w.workout_type as WorkoutType,
      title: String(w.title),
      structure: w.structure as WorkoutStructure,
      estimated_distance_meters: Number(w.estimated_distance_meters ?? 0),
      estimated_duration_minutes: Number(w.estimated_duration_minutes ?? 0),
      reason: typeof w.reason === 'string' ? w.reason : '',
      edited_by_user: w.edited_by_user === true,
    })),
  };
  // The runner's fitness runs, read as the server's fitnessRuns reads them: the re-planned paces follow their best recent run.
  const fitness_runs = recentFitnessRuns(
    runs.map((r) => ({
      source: String(r.source),
      activity_type: String(r.activity_type),
      local_date: String(r.local_date),
      distance_meters: Number(r.distance_meters),
      moving_time_seconds: Number(r.moving_time_seconds),
    })),
    today,
  );
  return { planId: String(planRow.id), input: { plan, profile: { ...profile, fitness_runs }, today, history } };
}

/** The re-plan `report` would make, and its what-if, from this phone's rows alone (offline too). */
export async function deviceReplanPreview(
  db: UserDb,
  report: HealthReport | undefined,
  now: Date = new Date(db.now()),
  newId: () => string = () => crypto.randomUUID(),
): Promise<DevicePreview | { blocker: PreviewBlocker }> {
  const read = await readAdaptInput(db, now);
  if ('blocker' in read) return read;
  // No report: missed or off-plan runs decide (the runner said "I missed it" or "I ran something else").
  const result = adaptPlan({ ...read.input, ...(report ? { report } : {}), newId });
  if (!result.changed) return { planId: read.planId, changed: false, reasons: [], edits: [], whatIf: null };
  const edits: WorkoutEdit[] = [
    ...result.plan.workouts.map((w) => ({ workout_id: w.id, set: Object.fromEntries(PREVIEW_FIELDS.map((f) => [f, w[f]])) })),
    ...result.removed_workout_ids.map((id) => ({ workout_id: id, set: { deleted: true } })),
  ];
  const loadInputs = await readLoadInputs(db, loadHistoryStart, now);
  return { planId: read.planId, changed: true, reasons: result.reasons, edits, whatIf: loadInputs.planWorkouts ? loadWhatIf(loadInputs, edits) : null };
}

/** One day of the coming weeks as the plan has it now and as the re-plan would make it. */
export interface ReplanChange {
  date: string;
  before: ChangedWorkout[];
  after: ChangedWorkout[];
}
export interface ChangedWorkout {
  workout_type: string;
  title: string;
  structure: WorkoutStructure | null;
  estimated_distance_meters: number;
}

/**
 * The re-plan as a before → after, day by day, for the days it changes from `from` on within
 * `days` days: what the runner accepts is what they saw.
 */
export async function replanChanges(db: UserDb, preview: DevicePreview, from: string, days = 14): Promise<ReplanChange[]> {
  const rows = (await db.view('workouts').where('training_plan_id').equals(preview.planId).toArray()).filter((w) => w.deleted !== true);
  const until = addDays(from, days);
  const shape = (w: Record<string, unknown>): ChangedWorkout => ({
    workout_type: String(w.workout_type),
    title: String(w.title ?? ''),
    structure: (w.structure as WorkoutStructure | undefined) ?? null,
    estimated_distance_meters: Number(w.estimated_distance_meters ?? 0),
  });
  const inWindow = (w: Record<string, unknown>) => String(w.scheduled_date) >= from && String(w.scheduled_date) < until && w.workout_type !== 'rest';
  const before = rows.filter(inWindow);
  const afterById = new Map<string, Record<string, unknown>>(rows.map((w) => [String(w.id), { ...w }]));
  for (const edit of preview.edits) afterById.set(edit.workout_id, { ...(afterById.get(edit.workout_id) ?? { id: edit.workout_id }), ...edit.set });
  const after = [...afterById.values()].filter((w) => w.deleted !== true && inWindow(w));
  const dates = [...new Set([...before, ...after].map((w) => String(w.scheduled_date)))].sort();
  const key = (ws: ChangedWorkout[]) => JSON.stringify(ws.map((w) => [w.workout_type, w.estimated_distance_meters, w.structure]));
  return dates
    .map((date) => ({
      date,
      before: before.filter((w) => w.scheduled_date === date).map(shape),
      after: after.filter((w) => w.scheduled_date === date).map(shape),
    }))
    .filter((c) => key(c.before) !== key(c.after));
}

/** The engine's view of the profile (the server's engineProfile), or null while it misses what planning needs. */
function engineProfile(row: ViewRow | undefined): TrainingProfile | null {
  if (!row || row.current_weekly_mileage_miles == null || row.days_available_per_week == null || row.easy_pace_per_mile_seconds == null) return null;
  return {
    current_weekly_mileage_miles: Number(row.current_weekly_mileage_miles),
    days_available_per_week: Number(row.days_available_per_week),
    easy_pace_per_mile_seconds: Number(row.easy_pace_per_mile_seconds),
    injury_notes: typeof row.injury_notes === 'string' ? row.injury_notes : null,
    // The recent race and the runner's week, as the server's engineProfile reads them, so the
    // phone's before -> after is the re-plan the server makes (paces from the race, runs on the runner's days).
    recent_race: runnerRecentRace(row),
    ...runnerWeek(row),
    // Rows synced before the runner's constants existed read as the defaults (42/7).
    ...(typeof row.ctl_days === 'number' && typeof row.atl_days === 'number' ? { load_constants: { ctl_days: row.ctl_days, atl_days: row.atl_days } } : {}),
  };
}

/** A re-plan the runner accepted, waiting on this phone until the server can make it. */
export interface AcceptedReplan {
  planId: string;
  /** The illness or injury; none for "I missed it" and "I ran something else" (the runs decide). */
  report?: HealthReport;
  /** The what-if the runner accepted, to show while it waits. */
  words: string | null;
  acceptedAt: number;
  /** This acceptance's id, sent with it: the server re-plans once however often it is sent. */
  requestId: string;
}

// Kept in the device's own `meta` store under a key of its own: it is this phone's intent, not a
// synced row (the re-plan itself is the server's to make, with every run it knows).
const ACCEPTED_KEY = 'accepted-replan';
const metaTable = (db: UserDb) => db.table<{ key: string; replan: AcceptedReplan }, string>('meta');

/** Records the runner's acceptance of a re-plan (one at a time: a newer acceptance replaces it). */
export async function recordAcceptedReplan(db: UserDb, replan: Omit<AcceptedReplan, 'acceptedAt' | 'requestId'>): Promise<void> {
  await metaTable(db).put({ key: ACCEPTED_KEY, replan: { ...replan, acceptedAt: db.now(), requestId: crypto.randomUUID() } });
}

/** The acceptance still waiting for the server, if any. */
export async function acceptedReplan(db: UserDb): Promise<AcceptedReplan | null> {
  return (await metaTable(db).get(ACCEPTED_KEY))?.replan ?? null;
}

/** The waiting acceptance, live. */
export function acceptedReplan$(db: UserDb): Observable<AcceptedReplan | null> {
  return liveQuery(() => acceptedReplan(db));
}

/** Forgets the acceptance once the server made the re-plan (or refused it for good). */
export async function clearAcceptedReplan(db: UserDb, acceptedAt: number): Promise<void> {
  await db.transaction('rw', metaTable(db), async () => {
    // A newer acceptance made meanwhile stays.
    if ((await acceptedReplan(db))?.acceptedAt === acceptedAt) await metaTable(db).delete(ACCEPTED_KEY);
  });
}
