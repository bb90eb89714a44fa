import type { RouteFigures } from './metrics.ts';
import { ms } from './util.ts';

// Console tables for the load run.

/**
 * The per-route table: requests, throughput, p50/p99/max latency, 4xx, 5xx, network errors;
 * with `balancer`, also the balancer's own 502/503 and the attempts the clients sent again.
 */
export function routeTable(figures: Record<string, RouteFigures>, options: { balancer?: boolean } = {}): Record<string, Record<string, string | number>> {
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
        ...(options.balancer ? { 'lb 502/503': f.balancerErrors, retried: f.retried } : {}),
      },
    ]),
  );
}

/** Totals over routes. */
export function totals(figures: Record<string, RouteFigures>): {
  requests: number;
  perSecond: number;
  s5xx: number;
  networkErrors: number;
  timeouts: number;
  balancerErrors: number;
  retried: number;
} {
  const all = Object.values(figures);
  return {
    requests: all.reduce((sum, f) => sum + f.requests, 0),
    perSecond: all.reduce((sum, f) => sum + f.perSecond, 0),
    s5xx: all.reduce((sum, f) => sum + f.s5xx, 0),
    networkErrors: all.reduce((sum, f) => sum + f.networkErrors, 0),
    timeouts: all.reduce((sum, f) => sum + f.timeouts, 0),
    balancerErrors: all.reduce((sum, f) => sum + f.balancerErrors, 0),
    retried: all.reduce((sum, f) => sum + f.retried, 0),
  };
}
