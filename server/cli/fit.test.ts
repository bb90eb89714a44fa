import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodeWorkout } from '#shared/fit/decode.ts';
import { paceTable } from '#shared/training/paces.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'runcoach-fit-cli-'));

/** `npm run fit -- in out` as an operator runs it; resolves with the exit code and output. */
async function fitCommand(input: unknown, out: string) {
  const inPath = join(dir, `in-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(inPath, JSON.stringify(input));
  try {
    const { stdout } = await run('npx', ['tsx', 'server/cli/fit.ts', inPath, out]);
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, output: e.stderr };
  }
}

const intervals = {
  segments: [
    { type: 'warmup', duration_seconds: 900, pace_target: 'easy' },
    { type: 'interval', repeats: 6, work: { distance_meters: 800, pace_target: 'interval' }, recovery: { duration_seconds: 120, pace_target: 'jog' } },
    { type: 'cooldown', open: true },
  ],
};

describe('npm run fit', () => {
  it('writes a .FIT file that decodes to the workout', async () => {
    const out = join(dir, 'intervals.fit');
    const result = await fitCommand({ name: '6 x 800 m', structure: intervals, units: 'km', pace_table: paceTable(50) }, out);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('GARMIN/NewFiles');
    const decoded = decodeWorkout(new Uint8Array(readFileSync(out)));
    expect(decoded.ok && decoded.workout.name).toBe('6 x 800 m');
    expect(decoded.ok && decoded.workout.steps.length).toBe(5); // warm-up, work, recovery, repeat, cool-down
  });

  it('refuses an invalid workout with the path of the problem, and writes nothing', async () => {
    const out = join(dir, 'bad.fit');
    const bad = { segments: [{ type: 'interval', repeats: 0, work: { distance_meters: 800 } }] };
    const result = await fitCommand({ name: 'bad', structure: bad, pace_table: paceTable(50) }, out);
    expect(result.code).toBe(1);
    expect(result.output).toContain('segments[0].repeats');
    expect(existsSync(out)).toBe(false);
  });
});
