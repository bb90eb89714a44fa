import type { ChildProcess } from 'node:child_process';

/** One line of the benchmark table (`npm run bench`). */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** What the issue asks for, in words, e.g. "≤ 120 KB" or "< 20 ms". */
  target?: string;
  /** A side-by-side ratio the issue asks for (ours / baseline). */
  ratio?: number;
  /** Whether the figure meets its target, when one is given. */
  ok?: boolean;
}

/** The median of a list of numbers. */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A percentile (0–100) of a list of numbers, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Runs `fn` `runs` times after `warmup` untimed runs; returns the median in milliseconds. */
export async function medianMs(fn: () => unknown, runs: number, warmup = Math.min(5, runs)): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Sends `message` to a forked helper process (a stand-in) and waits for its reply carrying `key`. */
export function ask<T>(child: ChildProcess, message: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (reply: Record<string, unknown>) => {
      if (!(key in reply)) return;
      child.off('message', on);
      resolve(reply[key] as T);
    };
    child.on('message', on);
    if (message) child.send(message);
  });
}
