import { paceZones } from '#shared/training/paces.ts';
import { readRaceTime, type RaceTimeReading } from '#shared/training/race-time.ts';
export { readDecimal } from '#shared/training/race-time.ts';
import { perKmToPerMile } from '#shared/training/units.ts';
import { vdotFromRace } from '#shared/training/vdot.ts';

// Pure helpers for the onboarding and goal forms: race distances, times typed as h:mm:ss.
// A distance typed with a comma ("5,5") reads as 5.5: readDecimal.

export const RACE_DISTANCES = [
  { meters: 5000, label: '5K' },
  { meters: 10_000, label: '10K' },
  { meters: 21_097.5, label: 'Half marathon' },
  { meters: 42_195, label: 'Marathon' },
] as const;

/**
 * A race time typed for a race over `meters`, as seconds, or the words saying what is wrong:
 * "1:45" is 1 h 45 min for a half marathon or longer, and a time faster than the world record
 * is questioned ("Did you mean 1:45:00?"). The shared reader (shared/training/race-time.ts).
 */
export function parseTime(text: string, meters: number): RaceTimeReading {
  return readRaceTime(text, meters);
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
