import { and, desc, eq, gte, isNull, lte } from 'drizzle-orm';
import type { Goal } from '#shared/schema/goal.ts';
import type { TrainingLoadQuery, TrainingLoadResponse } from '#shared/schema/load.ts';
import type { TrainingProfile } from '#shared/schema/plan.ts';
import type { WorkoutType } from '#shared/schema/workout.ts';
import { addDays } from '#shared/training/dates.ts';
import { checkLoadForecast } from '#shared/training/load-check.ts';
import { forecastLoad } from '#shared/training/load-forecast.ts';
import { DEFAULT_LOAD_CONSTANTS, warmupDays } from '#shared/training/load-series.ts';
import { loadThresholds } from '#shared/training/load.ts';
import { isInjured } from '#shared/training/rules.ts';
import { runnerPaces } from '#shared/training/timeline.ts';
import type { Executor } from '../db/database.ts';
import { goals, stravaActivities, trainingPlans, userProfiles, workoutCompletions, workouts } from '../db/schema.ts';
import { engineGoal } from './goals.ts';
import { localDate } from './stamp.ts';

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The runner's fitness, fatigue and form for `from`..`to`: their own runs from every source (this
 * is their own screen, not the coach's context, so Strava runs count too), and from today on the
 * active plan's open workouts as the forecast.
 */
export async function trainingLoad(db: Executor, userId: string, query: TrainingLoadQuery, now: Date): Promise<TrainingLoadResponse> {
  const [profile] = await db.select().from(userProfiles).where(eq(userProfiles.user_id, userId));
  const today = localDate(now, profile?.time_zone ?? 'UTC');
  const constants = DEFAULT_LOAD_CONSTANTS;

  const [plan] = await db
    .select()
    .from(trainingPlans)
    .where(and(eq(trainingPlans.user_id, userId), eq(trainingPlans.status, 'active')))
    .orderBy(desc(trainingPlans.created_at))
    .limit(1);
  const [goalRow] = plan?.goal_id ? await db.select().from(goals).where(and(eq(goals.id, plan.goal_id), eq(goals.user_id, userId), eq(goals.deleted, false))) : [];
  const goal: Goal | null = goalRow ? engineGoal(goalRow) : null;

  // Fitness comes from the easy pace (or a race) as everywhere else; only the pace is needed here.
  const notes: string[] = [];
  const easyPace = profile?.easy_pace_per_mile_seconds ?? null;
  const engineProfile: TrainingProfile | null =
    easyPace === null
      ? null
      : { current_weekly_mileage_miles: profile?.current_weekly_mileage_miles ?? 0, days_available_per_week: profile?.days_available_per_week ?? 7, easy_pace_per_mile_seconds: easyPace, injury_notes: profile?.injury_notes ?? null };
  const fitted = engineProfile ? runnerPaces(engineProfile, goal, today) : null;
  const thresholds = loadThresholds(fitted?.fitness.vdot ?? null);
  if (!fitted) notes.push('Add your easy pace to your profile: until then each run is scored from its duration alone.');
  notes.push('Runs are scored by pace; heart-rate scoring needs your max and resting heart rate, which the profile does not hold yet.');

  const rows = await db
    .select({
      id: stravaActivities.id,
      local_date: stravaActivities.local_date,
      activity_type: stravaActivities.activity_type,
      distance_meters: stravaActivities.distance_meters,
      moving_time_seconds: stravaActivities.moving_time_seconds,
      average_heartrate: stravaActivities.average_heartrate,
      total_elevation_gain: stravaActivities.total_elevation_gain,
      laps: stravaActivities.laps,
    })
    .from(stravaActivities)
    .where(and(eq(stravaActivities.user_id, userId), gte(stravaActivities.local_date, addDays(query.from, -warmupDays(constants))), lte(stravaActivities.local_date, query.to)));

  const open =
    plan && fitted
      ? await db
          .select({ scheduled_date: workouts.scheduled_date, workout_type: workouts.workout_type, structure: workouts.structure, estimated_distance_meters: workouts.estimated_distance_meters, estimated_duration_minutes: workouts.estimated_duration_minutes })
          .from(workouts)
          .leftJoin(workoutCompletions, eq(workoutCompletions.workout_id, workouts.id))
          .where(
            and(
              eq(workouts.user_id, userId),
              eq(workouts.training_plan_id, plan.id),
              eq(workouts.deleted, false),
              eq(workouts.status, 'scheduled'),
              isNull(workoutCompletions.id),
              gte(workouts.scheduled_date, today),
              lte(workouts.scheduled_date, query.to),
            ),
          )
      : [];
  if (plan && !fitted) notes.push('The plan’s forecast needs your easy pace too.');

  const { days, runs } = forecastLoad({
    from: query.from,
    to: query.to,
    today,
    runs: rows,
    workouts: open.map((w) => ({ ...w, workout_type: w.workout_type as WorkoutType })),
    paces: fitted?.paces ?? null,
    thresholds,
    constants,
  });

  const raceDate = goal?.kind === 'race' ? goal.target_race_date : null;
  const raceDay = raceDate ? days.find((d) => d.date === raceDate) : undefined;
  const findings = checkLoadForecast(days, { today, ...(raceDate ? { raceDate } : {}), injured: isInjured(profile?.injury_notes) });
  return {
    from: query.from,
    to: query.to,
    today,
    constants,
    threshold: fitted && thresholds.threshold_speed ? { pace_seconds_per_km: round1(1000 / thresholds.threshold_speed), source: fitted.fitness.source } : null,
    race: raceDate ? { date: raceDate, tsb: raceDay ? round1(raceDay.tsb) : null, band: raceDay?.band ?? null } : null,
    findings,
    notes,
    runs: runs
      .filter((r) => r.date >= query.from)
      .map((r) => ({ activity_id: r.id ?? '', date: r.date, load: round1(r.load), method: r.method, grade_adjusted: r.grade_adjusted })),
    days: days.map((d) => ({ ...d, load: round1(d.load), planned: round1(d.planned), ctl: round1(d.ctl), atl: round1(d.atl), tsb: round1(d.tsb), ramp: round1(d.ramp) })),
  };
}
