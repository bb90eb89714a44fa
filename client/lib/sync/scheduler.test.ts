import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PERIOD_MS, startScheduler, WRITE_DEBOUNCE_MS, type SchedulerEnv } from './scheduler.ts';
import { syncError, type SyncOutcome } from './status.ts';

class FakeDocument extends EventTarget {
  visibilityState = 'visible';
}

let env: SchedulerEnv & { document: FakeDocument };
let outcomes: SyncOutcome[];
const engine = { sync: vi.fn(async (): Promise<SyncOutcome> => outcomes.shift() ?? { ok: true }) };

beforeEach(() => {
  vi.useFakeTimers();
  engine.sync.mockClear();
  outcomes = [];
  env = {
    events: new EventTarget(),
    document: new FakeDocument(),
    setTimeout: (run, ms) => setTimeout(run, ms),
    clearTimeout: (handle) => clearTimeout(handle as number),
  };
});
afterEach(() => vi.useRealTimers());

describe('sync triggers', () => {
  it('syncs on start, when online, on focus and when the tab becomes visible', async () => {
    const scheduler = startScheduler(engine, env);
    expect(engine.sync).toHaveBeenCalledTimes(1);
    env.events.dispatchEvent(new Event('online'));
    env.events.dispatchEvent(new Event('focus'));
    env.document.visibilityState = 'hidden';
    env.document.dispatchEvent(new Event('visibilitychange'));
    env.document.visibilityState = 'visible';
    env.document.dispatchEvent(new Event('visibilitychange'));
    expect(engine.sync).toHaveBeenCalledTimes(4);
    scheduler.stop();
    env.events.dispatchEvent(new Event('online'));
    expect(engine.sync).toHaveBeenCalledTimes(4);
  });

  it('debounces local writes into one sync', async () => {
    const scheduler = startScheduler(engine, env);
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 5; i++) {
      scheduler.written();
      await vi.advanceTimersByTimeAsync(WRITE_DEBOUNCE_MS / 2);
    }
    expect(engine.sync).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(WRITE_DEBOUNCE_MS);
    expect(engine.sync).toHaveBeenCalledTimes(2);
    scheduler.stop();
  });

  it('syncs every minute while visible, not while hidden', async () => {
    const scheduler = startScheduler(engine, env);
    await vi.advanceTimersByTimeAsync(PERIOD_MS);
    expect(engine.sync).toHaveBeenCalledTimes(2);
    env.document.visibilityState = 'hidden';
    await vi.advanceTimersByTimeAsync(3 * PERIOD_MS);
    expect(engine.sync).toHaveBeenCalledTimes(2);
    scheduler.stop();
  });

  it('retries sooner after a failure it can fix, growing the delay; waits for the runner otherwise', async () => {
    outcomes = [
      { ok: false, error: syncError('offline') },
      { ok: false, error: syncError('offline') },
      { ok: false, error: syncError('update_required') },
    ];
    const scheduler = startScheduler(engine, env);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(engine.sync).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(engine.sync).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(engine.sync).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(10 * PERIOD_MS);
    expect(engine.sync).toHaveBeenCalledTimes(3);
    scheduler.stop();
  });
});
