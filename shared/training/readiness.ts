/**
 * Readiness (issue 23 §5): when a morning check-in makes a poor day, and the edit that swaps
 * today's quality session for an easy run or rest (a plain workout.update@2, with its reason).
 */
import type { ReadinessRow } from '../schema/readiness.ts';
import type { WorkoutStructure, WorkoutType } from '../schema/workout.ts';

export const READINESS = {
  /** Sleep + soreness + stress at or above this (of 15) is a poor day. */
  poorSum: 11,
  /** Resting HR this many bpm above the runner's usual (median of recent check-ins) is a poor day. */
  hrRise: 7,
  /** Check-ins before today that make "usual" (at least 3 needed). */
  baselineDays: 14,
} as const;

/** Why a day is poor, in a runner's words, or null for a day fit to train as planned. */
export function poorDayReason(
  today: Pick<ReadinessRow, 'date' | 'sleep' | 'soreness' | 'stress' | 'resting_hr'>,
  earlier: readonly Pick<ReadinessRow, 'date' | 'resting_hr'>[],
): string | null {
  const reasons: string[] = [];
  const sum = today.sleep + today.soreness + today.stress;
  if (sum >= READINESS.poorSum) reasons.push(`sleep, soreness and stress add up to ${sum} of 15`);
  const recent = earlier
    .filter((c) => c.date < today.date && c.resting_hr != null)
    .sort((a, b) => b.date.localeCompare(a.date))
    .slice(0, READINESS.baselineDays)
    .map((c) => c.resting_hr!)
    .sort((a, b) => a - b);
  if (today.resting_hr != null && recent.length >= 3) {
    const usual = recent[Math.floor(recent.length / 2)]!;
    if (today.resting_hr - usual >= READINESS.hrRise)
      reasons.push(`resting heart rate ${today.resting_hr} is ${today.resting_hr - usual} above your usual ${usual}`);
  }
  return reasons.length ? `A poor morning: ${reasons.join(', and ')}.` : null;
}

/** Sessions a poor morning should not be spent on. */
export const QUALITY_TYPES: readonly string[] = ['threshold', 'tempo', 'intervals', 'repetition', 'marathon_pace', 'progression', 'fartlek'];

/** The fields of today's workout after the swap: an easy run (shorter: 60% of the plan, 20–40 min) or rest. */
export function readinessSwap(
  workout: { estimated_duration_minutes: number | null },
  choice: 'easy' | 'rest',
): { workout_type: WorkoutType; title: string; structure?: WorkoutStructure } {
  if (choice === 'rest') return { workout_type: 'rest', title: 'Rest day' };
  const minutes = Math.min(40, Math.max(20, Math.round((workout.estimated_duration_minutes ?? 40) * 0.6)));
  return { workout_type: 'easy', title: 'Easy run', structure: { segments: [{ type: 'steady', duration_seconds: minutes * 60, pace_target: 'easy' }] } };
}

/** A week of check-ins for the journal: how many, the averages, and the poor days with their reasons. */
export interface ReadinessWeek {
  checkins: number;
  average: { sleep: number; soreness: number; stress: number; resting_hr: number | null } | null;
  poor_days: { date: string; reason: string }[];
}

/** Sums up the check-ins of the week starting `week` (Monday); `all` may hold earlier ones for the resting-HR baseline. */
export function readinessWeek(
  all: readonly Pick<ReadinessRow, 'date' | 'sleep' | 'soreness' | 'stress' | 'resting_hr'>[],
  week: string,
  weekEnd: string,
): ReadinessWeek {
  const inWeek = all.filter((c) => c.date >= week && c.date <= weekEnd).sort((a, b) => a.date.localeCompare(b.date));
  if (inWeek.length === 0) return { checkins: 0, average: null, poor_days: [] };
  const mean = (xs: number[]) => Math.round((xs.reduce((s, x) => s + x, 0) / xs.length) * 10) / 10;
  const hrs = inWeek.flatMap((c) => (c.resting_hr != null ? [c.resting_hr] : []));
  return {
    checkins: inWeek.length,
    average: {
      sleep: mean(inWeek.map((c) => c.sleep)),
      soreness: mean(inWeek.map((c) => c.soreness)),
      stress: mean(inWeek.map((c) => c.stress)),
      resting_hr: hrs.length ? mean(hrs) : null,
    },
    poor_days: inWeek.flatMap((c) => {
      const reason = poorDayReason(c, all);
      return reason ? [{ date: c.date, reason }] : [];
    }),
  };
}
