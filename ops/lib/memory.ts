import { median } from '../../bench/lib.ts';
import type { ServerProcess } from './server-process.ts';

// The server's resident memory, sampled every second from /proc/<pid>/status (VmRSS), and the
// verdict on growth after the warm-up: the median of the first stretch against the last.

export interface MemorySample {
  /** Seconds since sampling started. */
  t: number;
  rssMb: number;
  /** The V8 heap in use, when the server reports it. */
  heapMb: number | null;
  phase: string;
}

export class MemorySampler {
  readonly samples: MemorySample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private started = 0;
  phase = 'warm-up';

  constructor(private readonly server: ServerProcess) {}

  start(): void {
    this.started = performance.now();
    const sample = () => {
      const rss = this.server.rssMb();
      if (rss !== null)
        this.samples.push({
          t: Math.round((performance.now() - this.started) / 1000),
          rssMb: rss,
          heapMb: this.server.heap?.heapUsed ?? null,
          phase: this.phase,
        });
    };
    sample();
    this.timer = setInterval(sample, 1000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Growth of the measured phase: the median of its first `windowS` seconds against its last
   * (each a third of the phase when it is shorter than 3 windows). Passes under `limit` (0.10 = 10 %).
   */
  verdict(windowS = 20, limit = 0.1): { first: number; last: number; growth: number; ok: boolean; windowS: number } {
    const measured = this.samples.filter((s) => s.phase === 'measured');
    if (measured.length < 3) return { first: NaN, last: NaN, growth: NaN, ok: false, windowS };
    const window = Math.max(1, Math.min(windowS, Math.floor(measured.length / 3)));
    const first = median(measured.slice(0, window).map((s) => s.rssMb));
    const last = median(measured.slice(-window).map((s) => s.rssMb));
    const growth = (last - first) / first;
    return { first, last, growth, ok: growth < limit, windowS: window };
  }
}
