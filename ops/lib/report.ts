import type { RouteFigures } from './metrics.ts';
import { ms } from './util.ts';

// Console tables for the load run.

/** The per-route table: requests, throughput, p50/p99/max latency, 4xx, 5xx, network errors. */
export function routeTable(figures: Record<string, RouteFigures>): Record<string, Record<string, string | number>> {
  return Object.fromEntries(
    Object.entries(figures).map(([route, f]) => [
      route,
      {
        requests: f.requests,
        'req/s': Number(f.perSecond.toFixed(1)),
        'p50 ms': ms(f.p50),
        'p99 ms': ms(f.p99),
        'max ms': ms(f.max),
        '4xx': f.s4xx,
        '5xx': f.s5xx,
        'net err': f.networkErrors,
        timeouts: f.timeouts,
      },
    ]),
  );
}

/** Totals over routes. */
export function totals(figures: Record<string, RouteFigures>): { requests: number; perSecond: number; s5xx: number; networkErrors: number; timeouts: number } {
  const all = Object.values(figures);
  return {
    requests: all.reduce((sum, f) => sum + f.requests, 0),
    perSecond: all.reduce((sum, f) => sum + f.perSecond, 0),
    s5xx: all.reduce((sum, f) => sum + f.s5xx, 0),
    networkErrors: all.reduce((sum, f) => sum + f.networkErrors, 0),
    timeouts: all.reduce((sum, f) => sum + f.timeouts, 0),
  };
}
