import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import swSyncSource from '../../static/sw-sync.js?raw';
import { answerSyncRequest, BACKGROUND_SYNC_TAG, SYNC_REQUEST, type SyncAnswer } from './locks.ts';
import { syncError, type SyncOutcome } from './status.ts';

// Both ends of Background Sync: the tab's answer (answerSyncRequest) and the service worker's
// script (client/static/sw-sync.js), run here against stand-ins for what the browser provides
// (the worker's global scope, its Clients, and the sync event), with real MessageChannels.

/** A sync the test settles by hand, to see that nothing is answered before it ends. */
function deferredSync() {
  let settle!: (outcome: SyncOutcome) => void;
  const sync = vi.fn(() => new Promise<SyncOutcome>((resolve) => (settle = resolve)));
  return { sync, settle: (outcome: SyncOutcome) => settle(outcome) };
}

/** The next message on `port`, or 'none' if there is none within a moment. */
function nextAnswer(port: MessagePort): Promise<SyncAnswer | 'none'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('none'), 50);
    port.onmessage = (event) => {
      clearTimeout(timer);
      resolve(event.data as SyncAnswer);
    };
  });
}

const channels: MessageChannel[] = [];
function channel(): MessageChannel {
  const made = new MessageChannel();
  channels.push(made);
  return made;
}
afterEach(() => {
  for (const { port1, port2 } of channels.splice(0)) {
    port1.close();
    port2.close();
  }
});

describe("the tab's answer to the service worker", () => {
  it('ignores messages that are not a sync request, and requests without a reply port', () => {
    const { sync } = deferredSync();
    expect(answerSyncRequest({ type: 'SKIP_WAITING' }, channel().port2, sync)).toBe(false);
    expect(answerSyncRequest('runcoach:sync', channel().port2, sync)).toBe(false);
    expect(answerSyncRequest({ type: SYNC_REQUEST }, undefined, sync)).toBe(false);
    expect(sync).not.toHaveBeenCalled();
  });

  it('syncs, and answers only once the sync has ended', async () => {
    const { port1, port2 } = channel();
    const { sync, settle } = deferredSync();
    expect(answerSyncRequest({ type: SYNC_REQUEST }, port2, sync)).toBe(true);
    expect(sync).toHaveBeenCalledTimes(1);
    expect(await nextAnswer(port1)).toBe('none');
    settle({ ok: true });
    expect(await nextAnswer(port1)).toEqual({ type: 'runcoach:synced', ok: true, retry: false });
  });

  it('passes on a failure with whether retrying can help', async () => {
    for (const [code, retry] of [
      ['offline', true],
      ['signed_out', false],
    ] as const) {
      const { port1, port2 } = channel();
      const { sync, settle } = deferredSync();
      answerSyncRequest({ type: SYNC_REQUEST }, port2, sync);
      settle({ ok: false, error: syncError(code) });
      expect(await nextAnswer(port1)).toEqual({ type: 'runcoach:synced', ok: false, code, retry });
    }
  });

  it('says so at once when this tab syncs no runner', async () => {
    const { port1, port2 } = channel();
    expect(answerSyncRequest({ type: SYNC_REQUEST }, port2, null)).toBe(true);
    expect(await nextAnswer(port1)).toEqual({ type: 'runcoach:synced', ok: false, code: 'not_syncing', retry: false });
  });
});

/** A window client as the worker sees it: each message goes to that tab's answerSyncRequest. */
function tab(sync: (() => Promise<SyncOutcome>) | null) {
  const received: unknown[] = [];
  return {
    received,
    postMessage(message: unknown, transfer: MessagePort[]) {
      received.push(message);
      // Deliver as a browser would: after the worker's turn, on the transferred port.
      queueMicrotask(() => answerSyncRequest(message, transfer[0], sync));
    },
  };
}

/** Loads sw-sync.js into a stand-in worker scope with these open tabs; returns how to fire `sync`. */
function worker(tabs: ReturnType<typeof tab>[]) {
  const scope = new EventTarget() as EventTarget & { clients: { matchAll(options: unknown): Promise<unknown[]> } };
  const matchAll = vi.fn(async (_options: unknown) => tabs);
  scope.clients = { matchAll };
  // The script's globals, shadowed: `self` is the worker scope; timers go through vitest's clock.
  new Function('self', 'setTimeout', 'clearTimeout', 'MessageChannel', swSyncSource)(
    scope,
    (run: () => void, ms: number) => setTimeout(run, ms),
    (handle: ReturnType<typeof setTimeout>) => clearTimeout(handle),
    MessageChannel,
  );
  return {
    matchAll,
    /** Dispatches a sync event; resolves with what it passed to waitUntil (undefined if nothing). */
    fire(tag: string): Promise<unknown> | undefined {
      let kept: Promise<unknown> | undefined;
      scope.dispatchEvent(Object.assign(new Event('sync'), { tag, lastChance: false, waitUntil: (promise: Promise<unknown>) => (kept = promise) }));
      return kept;
    },
  };
}

/** 'resolved' or 'rejected', or 'pending' if the promise has not settled after pending I/O. */
async function state(promise: Promise<unknown>): Promise<string> {
  let result = 'pending';
  promise.then(
    () => (result = 'resolved'),
    () => (result = 'rejected'),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  return result;
}

describe('the service worker on a Background Sync event (sw-sync.js)', () => {
  it('handles only its own tag, with the tag the app registers', () => {
    const { fire, matchAll } = worker([]);
    expect(fire('some-other-tag')).toBeUndefined();
    expect(matchAll).not.toHaveBeenCalled();
    expect(fire(BACKGROUND_SYNC_TAG)).toBeInstanceOf(Promise);
    expect(matchAll).toHaveBeenCalledWith({ type: 'window', includeUncontrolled: true });
  });

  it('with no tab open, ends without syncing (the app syncs when it next starts)', async () => {
    expect(await state(worker([]).fire(BACKGROUND_SYNC_TAG)!)).toBe('resolved');
  });

  it("asks the open tab to sync and holds the event until the tab's sync has ended", async () => {
    const { sync, settle } = deferredSync();
    const open = tab(sync);
    const event = worker([open]).fire(BACKGROUND_SYNC_TAG)!;
    expect(await state(event)).toBe('pending');
    expect(open.received).toEqual([{ type: SYNC_REQUEST }]);
    expect(sync).toHaveBeenCalledTimes(1);
    settle({ ok: true });
    expect(await state(event)).toBe('resolved');
  });

  it('fails the event when the sync failed in a way a retry can fix, so the browser fires it again', async () => {
    const event = worker([tab(async () => ({ ok: false, error: syncError('offline') }))]).fire(BACKGROUND_SYNC_TAG)!;
    expect(await state(event)).toBe('rejected');
  });

  it('ends quietly when no retry can help (signed out, no runner in any tab)', async () => {
    const signedOut = tab(async () => ({ ok: false, error: syncError('signed_out') }));
    expect(await state(worker([signedOut, tab(null)]).fire(BACKGROUND_SYNC_TAG)!)).toBe('resolved');
  });

  it('is done as soon as one tab has synced, even if another failed', async () => {
    const failing = tab(async () => ({ ok: false, error: syncError('offline') }));
    const { sync, settle } = deferredSync();
    const event = worker([failing, tab(sync)]).fire(BACKGROUND_SYNC_TAG)!;
    expect(await state(event)).toBe('pending');
    settle({ ok: true });
    expect(await state(event)).toBe('resolved');
  });

  describe('with a tab that never answers (an old version, or frozen)', () => {
    beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
    afterEach(() => vi.useRealTimers());

    it('gives up after a minute and lets the browser retry', async () => {
      const silent = { postMessage: vi.fn() };
      let settled = 'pending';
      worker([silent as unknown as ReturnType<typeof tab>])
        .fire(BACKGROUND_SYNC_TAG)!
        .then(
          () => (settled = 'resolved'),
          () => (settled = 'rejected'),
        );
      await vi.advanceTimersByTimeAsync(59_000);
      expect(silent.postMessage).toHaveBeenCalledTimes(1);
      expect(settled).toBe('pending');
      await vi.advanceTimersByTimeAsync(1_000);
      expect(settled).toBe('rejected');
    });
  });
});
