import { describe, expect, it } from 'vitest';
import { STEP_LIMITS, validateStructure, structureTotals } from '../schema/workout.ts';

const ok = {
  segments: [
    { type: 'warmup', duration_seconds: 600 },
    { type: 'interval', repeats: 5, work: { distance_meters: 1000, pace_target: 'interval' }, recovery: { duration_seconds: 120, pace_target: 'jog' } },
    { type: 'cooldown', open: true },
  ],
};

function issuesOf(input: unknown) {
  const r = validateStructure(input);
  if (r.ok) throw new Error('expected invalid');
  return r.issues;
}

describe('validateStructure', () => {
  it('accepts a well-formed interval session', () => {
    const r = validateStructure(ok);
    expect(r.ok).toBe(true);
  });

  it('rejects a step with no end, naming the path', () => {
    const issues = issuesOf({ segments: [{ type: 'steady', pace_target: 'easy' }] });
    expect(issues).toContainEqual(expect.objectContaining({ path: 'segments[0].duration_seconds' }));
  });

  it('rejects repeats below 1', () => {
    const issues = issuesOf({ segments: [{ type: 'interval', repeats: 0, work: { duration_seconds: 60 } }] });
    expect(issues.map((i) => i.path)).toContain('segments[0].repeats');
  });

  it('rejects a step with both duration and distance', () => {
    const issues = issuesOf({
      segments: [
        { type: 'warmup', duration_seconds: 60 },
        { type: 'interval', repeats: 3, work: { duration_seconds: 60, distance_meters: 400 } },
      ],
    });
    expect(issues.map((i) => i.path)).toContain('segments[1].work.distance_meters');
  });

  it('rejects an unknown pace target', () => {
    const issues = issuesOf({ segments: [{ type: 'steady', duration_seconds: 600, pace_target: 'sprint' }] });
    expect(issues.map((i) => i.path)).toContain('segments[0].pace_target');
  });

  it('rejects absurd values: negative, huge, fractional seconds, too many repeats', () => {
    expect(issuesOf({ segments: [{ type: 'steady', distance_meters: -5 }] })[0]!.path).toBe('segments[0].distance_meters');
    expect(issuesOf({ segments: [{ type: 'steady', duration_seconds: 10 * 3600 }] })[0]!.path).toBe('segments[0].duration_seconds');
    expect(issuesOf({ segments: [{ type: 'steady', duration_seconds: 60.5 }] })[0]!.path).toBe('segments[0].duration_seconds');
    expect(issuesOf({ segments: [{ type: 'interval', repeats: 500, work: { duration_seconds: 60 } }] })[0]!.path).toBe('segments[0].repeats');
    expect(issuesOf({ segments: [] })[0]!.path).toBe('segments');
    expect(issuesOf({ segments: [{ type: 'steady', distance_meters: Number.POSITIVE_INFINITY }] })[0]!.path).toBe('segments[0].distance_meters');
  });

  it('rejects a session whose repeats add up past 6 h or 60 km', () => {
    const long = issuesOf({ segments: [{ type: 'interval', repeats: 10, work: { duration_seconds: 3600 } }] });
    expect(long).toContainEqual(expect.objectContaining({ path: 'segments', message: expect.stringContaining('6 h') }));
    const far = issuesOf({ segments: [{ type: 'repeat', repeats: 4, steps: [{ distance_meters: 20_000 }] }] });
    expect(far).toContainEqual(expect.objectContaining({ path: 'segments', message: expect.stringContaining('60 km') }));
  });

  it('rejects unknown fields and unknown segment types', () => {
    expect(issuesOf({ segments: [{ type: 'steady', duration_seconds: 60, speed: 3 }] }).length).toBeGreaterThan(0);
    expect(issuesOf({ segments: [{ type: 'sprint', duration_seconds: 60 }] })[0]!.path).toBe('segments[0].type');
  });

  it('sums repeats in totals', () => {
    expect(structureTotals(ok as never)).toEqual({ seconds: 600 + 5 * 120, meters: 5000 });
    expect(STEP_LIMITS.maxTotalSeconds).toBe(6 * 3600);
  });
});
