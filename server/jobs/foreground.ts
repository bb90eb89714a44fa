// A burst of webhooks must be answered within Strava's 2 s while every statement shares one
// PGlite connection and the main thread. Background handlers wait until the server is quiet:
// no webhook being answered, none for QUIET_MS, and no burst under way. They never wait longer
// than `maxYieldMs`, so processing is delayed, never starved.

/** A webhook answered within QUIET_MS may have a successor on its way. */
const QUIET_MS = 25;
/**
 * More webhooks than this within the last second is a burst. A burst answered in groups (one
 * group commit answers fifty requests at once) leaves gaps longer than QUIET_MS while the
 * answers go out and the next requests come in; handlers starting in such a gap stalled the
 * next fifty answers by a quarter of a second. A steady trickle (the load run sends 5/s) keeps
 * processing in the gaps.
 */
const BURST_PER_SECOND = 50;

export interface ForegroundGate {
  /** Marks foreground work until the returned function is called. */
  enter(): () => void;
  /** Resolves once the server is quiet, or after `maxYieldMs`. */
  quiet(): Promise<void>;
}

export function foregroundGate(options: { maxYieldMs?: number } = {}): ForegroundGate {
  const maxYieldMs = options.maxYieldMs ?? 5_000;
  let inForeground = 0;
  let lastForeground = Number.NEGATIVE_INFINITY;
  /** Start times of the webhooks of the last second, oldest first. */
  const recent: number[] = [];

  const inBurst = (now: number) => {
    while (recent.length > 0 && now - recent[0]! > 1000) recent.shift();
    return recent.length > BURST_PER_SECOND;
  };
  const busy = () => {
    const now = performance.now();
    return inForeground > 0 || now - lastForeground < QUIET_MS || inBurst(now);
  };
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  return {
    enter() {
      inForeground++;
      lastForeground = performance.now();
      recent.push(lastForeground);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        inForeground--;
        lastForeground = performance.now();
      };
    },
    async quiet() {
      const started = performance.now();
      const late = () => performance.now() - started >= maxYieldMs;
      for (;;) {
        while (busy() && !late()) await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
        if (late()) return;
        // Requests that arrived while background work held the thread are still unread: let
        // the event loop take them in (I/O, then setImmediate) before calling the server quiet.
        await nextTurn();
        await nextTurn();
        if (!busy()) return;
      }
    },
  };
}
