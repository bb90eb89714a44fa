// The weekly journal's shapes (GET /api/journal): computed on the server, shown by the app.

/** One week of running, Monday to Sunday. */
export interface WeekStats {
  week_start: string;
  runs: number;
  distance_meters: number;
  moving_time_seconds: number;
  /** Moving time over distance; null without distance. */
  average_pace_seconds_per_km: number | null;
  elevation_gain_meters: number;
  /** Weighted by moving time over the runs that recorded heart rate. */
  average_heartrate: number | null;
  longest_run_meters: number;
  longest_run_date: string | null;
  run_dates: string[];
}

/** One planned session of the week and what became of it. */
export interface PlannedSession {
  workout_id: string;
  date: string;
  title: string;
  workout_type: string;
  estimated_distance_meters: number | null;
  status: string;
  done_distance_meters: number | null;
}

/** The week's plan against what became of it. */
export interface PlannedVsDone {
  planned_sessions: number;
  estimated_distance_meters: number;
  completed: number;
  partial: number;
  skipped: number;
  missed: number;
  done_distance_meters: number;
  /** Completed (and half of partial) over planned sessions; null without a plan. */
  completion_rate: number | null;
  sessions: PlannedSession[];
}

/** A figure this week against last week. */
export interface Trend {
  value: number | null;
  previous: number | null;
  change: number | null;
  change_pct: number | null;
}

export type TrendFigure = 'distance_meters' | 'moving_time_seconds' | 'average_pace_seconds_per_km' | 'elevation_gain_meters' | 'average_heartrate' | 'runs';
