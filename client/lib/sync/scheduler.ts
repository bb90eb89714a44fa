import type { SyncOutcome } from './status.ts';

// When to sync (docs/SYNC.md §Device): on start, when the browser comes online, on focus or when
// the tab becomes visible, ~500 ms after the last local write, every 60 s while visible, and
// again with a growing delay after a failure that retrying can fix.

export interface SchedulerEnv {
  /** Where `online` and `focus` fire (the window). */
  events: EventTarget;
  /** Where `visibilitychange` fires, and whether the page is visible. */
  document: EventTarget & { visibilityState: string };
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the scheduler drives: the engine's sync, and a way to hear of local writes. */
export interface Schedulable {
  sync(): Promise<SyncOutcome>;
}

export interface SyncScheduler {
  /** Sync as soon as possible. */
  request(): void;
  /** A local write happened: sync after a short pause, so a burst of edits makes one push. */
  written(): void;
  stop(): void;
}

export const WRITE_DEBOUNCE_MS = 500;
export const PERIOD_MS = 60_000;
const RETRY_MIN_MS = 5_000;
const RETRY_MAX_MS = 5 * 60_000;

/** The browser's window and document with the real timers. */
export function browserEnv(): SchedulerEnv {
  return {
    events: window,
    document,
    setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  };
}

/** Starts the triggers; the first sync runs at once. */
export function startScheduler(engine: Schedulable, env: SchedulerEnv = browserEnv()): SyncScheduler {
  let timer: unknown = null;
  let debounce: unknown = null;
  let retryMs = RETRY_MIN_MS;
  let stopped = false;

  const visible = () => env.document.visibilityState !== 'hidden';
  const wait = (ms: number) => {
    if (timer !== null) env.clearTimeout(timer);
    timer = env.setTimeout(() => {
      timer = null;
      if (visible()) request();
      else wait(PERIOD_MS);
    }, ms);
  };
  const request = () => {
    if (stopped) return;
    if (timer !== null) env.clearTimeout(timer);
    timer = null;
    engine.sync().then(
      (outcome) => {
        if (stopped) return;
        if (outcome.ok) {
          retryMs = RETRY_MIN_MS;
          wait(PERIOD_MS);
        } else if (outcome.error.retry) {
          wait(retryMs);
          retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        } // else it waits for the runner (update, sign in) or the next trigger
      },
      () => wait(retryMs), // sync() reports failures as outcomes; this is belt and braces
    );
  };
  const online = () => {
    retryMs = RETRY_MIN_MS;
    request();
  };
  const onVisibility = () => {
    if (visible()) request();
  };
  env.events.addEventListener('online', online);
  env.events.addEventListener('focus', request);
  env.document.addEventListener('visibilitychange', onVisibility);
  request();

  return {
    request,
    written() {
      if (stopped) return;
      if (debounce !== null) env.clearTimeout(debounce);
      debounce = env.setTimeout(() => {
        debounce = null;
        request();
      }, WRITE_DEBOUNCE_MS);
    },
    stop() {
      stopped = true;
      for (const handle of [timer, debounce]) if (handle !== null) env.clearTimeout(handle);
      env.events.removeEventListener('online', online);
      env.events.removeEventListener('focus', request);
      env.document.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
