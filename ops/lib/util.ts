import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

// Small helpers shared by the load and fault runs.

export const sleep = (ms: number): Promise<void> => delay(ms);

/** A whole number of milliseconds between `min` and `max`, uniformly. */
export function jitter(min: number, max: number): number {
  return Math.round(min + Math.random() * (max - min));
}

/** A loopback port nobody listens on right now (the server keeps it across restarts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it is true; throws naming `what` after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** ISO date (YYYY-MM-DD) `days` after `from`. */
export function isoDateAfter(from: Date, days: number): string {
  return new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Formats milliseconds for tables: one decimal under 100, whole above. */
export function ms(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  return value < 100 ? value.toFixed(1) : value.toFixed(0);
}
