/** Unit conversion and display of paces and durations. Internally: meters, seconds. */

export const METERS_PER_MILE = 1609.344;
export const METERS_PER_KM = 1000;

/** Miles to meters. */
export function milesToMeters(miles: number): number {
  return miles * METERS_PER_MILE;
}

/** Meters to miles. */
export function metersToMiles(meters: number): number {
  return meters / METERS_PER_MILE;
}

/** Miles to kilometers. */
export function milesToKm(miles: number): number {
  return (miles * METERS_PER_MILE) / METERS_PER_KM;
}

/** Kilometers to miles. */
export function kmToMiles(km: number): number {
  return (km * METERS_PER_KM) / METERS_PER_MILE;
}

/** A pace in s/mile as s/km. */
export function perMileToPerKm(secondsPerMile: number): number {
  return secondsPerMile / (METERS_PER_MILE / METERS_PER_KM);
}

/** A pace in s/km as s/mile. */
export function perKmToPerMile(secondsPerKm: number): number {
  return secondsPerKm * (METERS_PER_MILE / METERS_PER_KM);
}

export type DistanceUnit = 'km' | 'mi';

/** Formats a pace given in s/km for display in the runner's unit: `4:35/km`, `7:23/mi`. */
export function formatPace(secondsPerKm: number, unit: DistanceUnit = 'km'): string {
  const perUnit = unit === 'km' ? secondsPerKm : perKmToPerMile(secondsPerKm);
  const total = Math.round(perUnit);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}/${unit}`;
}

/** Formats seconds as `m:ss` under an hour and `h:mm:ss` from an hour on. */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Formats meters in the runner's unit with one decimal: `12.4 km`, `7.7 mi`. */
export function formatDistance(meters: number, unit: DistanceUnit = 'km'): string {
  const value = unit === 'km' ? meters / METERS_PER_KM : metersToMiles(meters);
  return `${value.toFixed(1)} ${unit}`;
}
