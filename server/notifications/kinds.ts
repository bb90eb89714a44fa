import type { DistanceUnit } from '#shared/training/units.ts';

// What each kind of notification stores in `payload` when it is created. The e-mail is rendered
// from this snapshot on every attempt, so a retried message is the same message (Resend compares
// bodies under one idempotency key), and the log can say what was sent.

/** One workout of tomorrow, described in the runner's unit when it was scheduled. */
export interface ReminderWorkout {
  id: string;
  title: string;
  type: string;
  lines: string[];
  distance_meters: number | null;
  duration_seconds: number | null;
  reason: string | null;
}

/** workout_reminder: the workouts of `date` (the runner's tomorrow), or a rest day. */
export interface ReminderPayload {
  date: string;
  units: DistanceUnit;
  rest: boolean;
  workouts: ReminderWorkout[];
}

/** weekly_journal: the finished week's numbers, insights and (when written) the coach's words. */
export interface JournalPayload {
  week: string;
  week_end: string;
  units: DistanceUnit;
  runs: number;
  distance_meters: number;
  moving_time_seconds: number;
  average_pace_seconds_per_km: number | null;
  longest_run_meters: number;
  planned_sessions: number;
  completed: number;
  insights: string[];
  narrative: string | null;
}

/** goal_unrealistic: the goal and the feasibility sentence. */
export interface GoalPayload {
  goal_id: string;
  title: string;
  reason: string | null;
}

/** strava_disconnected: why the link ended. */
export interface StravaPayload {
  reason: 'deauthorized' | 'token_revoked';
}

/** coach_proposal: the pending proposal and what it changes. */
export interface ProposalPayload {
  proposal_id: string;
  summary: string;
}

/** A payload of any kind. */
export type Payload = ReminderPayload | JournalPayload | GoalPayload | StravaPayload | ProposalPayload;
