import { pathToFileURL } from 'node:url';
import { Encoder, type Encodable, type Mesg } from '@garmin/fitsdk';
import { decodeActivity, decodeWorkout } from '../shared/fit/decode.ts';
import { encodeWorkout, type EncodeWorkoutInput } from '../shared/fit/encode.ts';
import { medianMs, type BenchFigure } from './lib.ts';

// The workout docs/FIT.md §"Size and speed" measured: 6×800 m with jog recoveries between a warm-up and a cool-down.
const SIX_BY_800: EncodeWorkoutInput = {
  name: 'Intervals 6×800 m',
  structure: {
    segments: [
      { type: 'warmup', duration_seconds: 900, pace_target: 'easy' },
      { type: 'interval', repeats: 6, work: { distance_meters: 800, pace_target: 'interval' }, recovery: { duration_seconds: 120, pace_target: 'jog' } },
      { type: 'cooldown', duration_seconds: 600, pace_target: 'easy' },
    ],
  },
  targets: {
    kind: 'pace',
    table: {
      easy: { slow_seconds_per_km: 370, fast_seconds_per_km: 335 },
      interval: { slow_seconds_per_km: 245, fast_seconds_per_km: 238 },
      jog: { slow_seconds_per_km: 450, fast_seconds_per_km: 390 },
    },
  },
  serialNumber: 0x5eed,
  timeCreated: new Date('2026-04-12T07:30:00Z'),
};

function encodeOnce(): Uint8Array {
  const result = encodeWorkout(SIX_BY_800);
  if (!result.ok) throw new Error(`bench workout does not encode: ${JSON.stringify(result.issues)}`);
  return result.bytes;
}

/** A one-hour run recorded at 1 Hz, as a watch writes it (records, one lap, session, activity). */
function hourRun(): Uint8Array {
  const start = Date.UTC(2026, 3, 12, 6, 0, 0);
  const encoder = new Encoder();
  // Every message kind below keeps one key order (docs/FIT.md §"Key order").
  const write = (mesg: Encodable<Mesg> & Record<string, unknown>) => encoder.writeMesg(mesg);
  write({ mesgNum: 0, type: 'activity', manufacturer: 'garmin', product: 4315, serialNumber: 123, timeCreated: new Date(start) });
  for (let s = 0; s < 3600; s++) {
    write({ mesgNum: 20, timestamp: new Date(start + s * 1000), distance: s * 2.8, heartRate: 140 + (s % 20), speed: 2.8 });
  }
  const summary = { startTime: new Date(start), totalElapsedTime: 3600, totalTimerTime: 3600, totalDistance: 10_080, avgHeartRate: 150 };
  write({ mesgNum: 19, timestamp: new Date(start + 3_600_000), ...summary });
  write({ mesgNum: 18, timestamp: new Date(start + 3_600_000), ...summary, sport: 'running', subSport: 'generic' });
  write({ mesgNum: 34, timestamp: new Date(start + 3_600_000), totalTimerTime: 3600, numSessions: 1 });
  return encoder.close();
}

/** Median encode (validation included) and decode time of the 6×800 m workout, its size, and an activity decode. */
export async function benchFit(): Promise<BenchFigure[]> {
  const bytes = encodeOnce();
  const encodeMs = await medianMs(encodeOnce, 2000, 200);
  const decodeMs = await medianMs(() => decodeWorkout(bytes), 2000, 200);
  const run = hourRun();
  const activityMs = await medianMs(() => decodeActivity(run), 30, 3);
  return [
    { name: 'FIT encode 6×800 m (median)', value: encodeMs, unit: 'ms' },
    { name: 'FIT decode 6×800 m (median)', value: decodeMs, unit: 'ms' },
    { name: 'FIT file 6×800 m', value: bytes.length, unit: 'bytes' },
    { name: `FIT activity decode, 1 h at 1 Hz (${Math.round(run.length / 1024)} KB, median)`, value: activityMs, unit: 'ms' },
  ];
}

// `npx tsx bench/fit.ts` prints the figures on its own.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await benchFit()) console.log(`${figure.name}: ${figure.value.toFixed(figure.unit === 'ms' ? 3 : 0)} ${figure.unit}`);
}
