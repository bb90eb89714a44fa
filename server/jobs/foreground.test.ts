import { describe, expect, it } from 'vitest';
import { foregroundGate } from './foreground.ts';

// The gate background handlers pass before they take the main thread (and PGlite) from
// webhook answers. Real timers: the gate's pauses are a few tens of milliseconds.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds until quiet() resolved. */
async function timeQuiet(gate: ReturnType<typeof foregroundGate>): Promise<number> {
  const start = performance.now();
  await gate.quiet();
  return performance.now() - start;
}

describe('the foreground gate', () => {
  it('lets background work through at once when nothing is being answered', async () => {
    expect(await timeQuiet(foregroundGate())).toBeLessThan(50);
  });

  it('holds background work while a webhook is being answered, and a moment after', async () => {
    const gate = foregroundGate();
    const done = gate.enter();
    setTimeout(done, 100);
    const waited = await timeQuiet(gate);
    expect(waited).toBeGreaterThanOrEqual(100 + 20);
    expect(waited).toBeLessThan(400);
  });

  it('holds background work through a burst answered in groups, with gaps between the groups', async () => {
    const gate = foregroundGate();
    let bursting = true;
    const burst = (async () => {
      // Groups of 60 answered together every 40 ms, quiet in between: each group alone is more
      // than 50 within a second, however late the timers run on a busy machine.
      for (let group = 0; group < 8; group++) {
        const answers = Array.from({ length: 60 }, () => gate.enter());
        await sleep(2);
        for (const done of answers) done();
        await sleep(38);
      }
      bursting = false;
    })();
    await sleep(10);
    await gate.quiet();
    expect(bursting).toBe(false);
    await burst;
  });

  it('keeps background work going between the webhooks of a steady trickle', async () => {
    const gate = foregroundGate();
    const trickle = setInterval(() => gate.enter()(), 200);
    try {
      await sleep(450);
      expect(await timeQuiet(gate)).toBeLessThan(300);
    } finally {
      clearInterval(trickle);
    }
  });

  it('never holds background work longer than its limit', async () => {
    const gate = foregroundGate({ maxYieldMs: 150 });
    const stuck = gate.enter();
    try {
      const waited = await timeQuiet(gate);
      expect(waited).toBeGreaterThanOrEqual(150);
      expect(waited).toBeLessThan(400);
    } finally {
      stuck();
    }
  });
});
