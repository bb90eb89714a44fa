import { paceZones } from '#shared/training/paces.ts';
import { perKmToPerMile } from '#shared/training/units.ts';
import { vdotFromRace } from '#shared/training/vdot.ts';

// Pure helpers for the onboarding and goal forms: race distances, times typed as h:mm:ss.

export const RACE_DISTANCES = [
  { meters: 5000, label: '5K' },
  { meters: 10_000, label: '10K' },
  { meters: 21_097.5, label: 'Half marathon' },
  { meters: 42_195, label: 'Marathon' },
] as const;

/** "25:30" or "1:52:00" as seconds; null when unreadable. */
export function parseTime(text: string): number | null {
  const match = /^(?:(\d{1,2}):)?(\d{1,2}):([0-5]\d)$/.exec(text.trim());
  if (!match) return null;
  const [, h, m, s] = match;
  if (h !== undefined && Number(m) > 59) return null;
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s);
}

/** "9:30" (a pace per unit) as seconds; null when unreadable. */
export function parsePace(text: string): number | null {
  const match = /^(\d{1,2}):([0-5]\d)$/.exec(text.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** The easy pace (s/mile, as the profile stores it) a recent race implies: the middle of Daniels' E zone. */
export function easyPaceFromRace(meters: number, seconds: number): number {
  const easy = paceZones(vdotFromRace(meters, seconds)).E;
  const perKm = (easy.fast_seconds_per_km + easy.slow_seconds_per_km) / 2;
  return Math.min(1200, Math.max(240, Math.round(perKmToPerMile(perKm))));
}
