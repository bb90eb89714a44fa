import { percentile } from '../../bench/lib.ts';

// Per-route request figures, kept per phase (setup, warm-up, measured) so the report can show
// the warm-up apart from the run it judges.

export interface RouteFigures {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  s4xx: number;
  s5xx: number;
  /** Refused or reset connections (the server was down). */
  networkErrors: number;
  /** No answer within the client's deadline (e.g. Strava's 2 s for a webhook). */
  timeouts: number;
  /** 502/503 the load balancer made itself (no instance answered: one was killed with the request in flight). */
  balancerErrors: number;
  /** Failed attempts the client sent again (connection errors and balancer 502/503, with a balancer in front). */
  retried: number;
}

interface RouteSamples {
  latencies: number[];
  s4xx: number;
  s5xx: number;
  networkErrors: number;
  timeouts: number;
  balancerErrors: number;
  retried: number;
  /** Status codes seen, for the failure report. */
  statuses: Map<number, number>;
  /** A few error bodies of 5xx answers, to say what failed. */
  examples: string[];
}

export class Metrics {
  private phases = new Map<string, { started: number; ended: number | null; routes: Map<string, RouteSamples>; instances: Map<string, number> }>();
  private current = 'setup';

  constructor() {
    this.phase('setup');
  }

  /** Starts recording into `name` (ending the phase before). */
  phase(name: string): void {
    const previous = this.phases.get(this.current);
    if (previous && previous.ended === null) previous.ended = performance.now();
    this.current = name;
    this.phases.set(name, { started: performance.now(), ended: null, routes: new Map(), instances: new Map() });
  }

  /** Ends the current phase without starting another (its throughput uses this end). */
  end(): void {
    const phase = this.phases.get(this.current)!;
    phase.ended ??= performance.now();
  }

  /**
   * One attempt's outcome. `balancer`: a 502/503 the load balancer made itself. `instance`: the
   * server that answered (behind a balancer), counted per phase.
   */
  record(route: string, ms: number, outcome: number | 'network' | 'timeout' | 'balancer', detail?: string, instance?: string): void {
    const phase = this.phases.get(this.current)!;
    if (instance) phase.instances.set(instance, (phase.instances.get(instance) ?? 0) + 1);
    const samples = this.samples(route);
    if (outcome === 'balancer') {
      samples.balancerErrors++;
      return;
    }
    if (outcome === 'timeout') {
      samples.timeouts++;
      return;
    }
    if (outcome === 'network') {
      samples.networkErrors++;
      if (detail && samples.examples.length < 3) samples.examples.push(detail);
      return;
    }
    samples.latencies.push(ms);
    samples.statuses.set(outcome, (samples.statuses.get(outcome) ?? 0) + 1);
    if (outcome >= 500) {
      samples.s5xx++;
      if (detail && samples.examples.length < 3) samples.examples.push(`${outcome} ${detail.slice(0, 200)}`);
    } else if (outcome >= 400) samples.s4xx++;
  }

  /** The client sends a failed attempt again (it was recorded as what it was). */
  retried(route: string): void {
    this.samples(route).retried++;
  }

  private samples(route: string): RouteSamples {
    const routes = this.phases.get(this.current)!.routes;
    let samples = routes.get(route);
    if (!samples)
      routes.set(
        route,
        (samples = { latencies: [], s4xx: 0, s5xx: 0, networkErrors: 0, timeouts: 0, balancerErrors: 0, retried: 0, statuses: new Map(), examples: [] }),
      );
    return samples;
  }

  /** Answers per instance in one phase (behind a balancer), by the instance's name. */
  instances(phaseName: string): Record<string, number> {
    const counts = this.phases.get(phaseName)?.instances ?? new Map<string, number>();
    return Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** The length of one phase in seconds (to its end, or now). */
  seconds(phaseName: string): number {
    const phase = this.phases.get(phaseName);
    return phase ? ((phase.ended ?? performance.now()) - phase.started) / 1000 : NaN;
  }

  /** The figures of one phase, by route. */
  figures(phaseName: string): Record<string, RouteFigures> {
    const phase = this.phases.get(phaseName);
    if (!phase) return {};
    const seconds = ((phase.ended ?? performance.now()) - phase.started) / 1000;
    const out: Record<string, RouteFigures> = {};
    for (const [route, s] of [...phase.routes.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const requests = s.latencies.length + s.networkErrors + s.timeouts + s.balancerErrors;
      out[route] = {
        requests,
        perSecond: requests / seconds,
        p50: s.latencies.length ? percentile(s.latencies, 50) : NaN,
        p99: s.latencies.length ? percentile(s.latencies, 99) : NaN,
        max: s.latencies.length ? Math.max(...s.latencies) : NaN,
        s4xx: s.s4xx,
        s5xx: s.s5xx,
        networkErrors: s.networkErrors,
        timeouts: s.timeouts,
        balancerErrors: s.balancerErrors,
        retried: s.retried,
      };
    }
    return out;
  }

  /** Status counts and example failures of one phase, by route (for the report's detail). */
  details(phaseName: string): Record<string, { statuses: Record<string, number>; examples: string[] }> {
    const phase = this.phases.get(phaseName);
    if (!phase) return {};
    return Object.fromEntries([...phase.routes.entries()].map(([route, s]) => [route, { statuses: Object.fromEntries(s.statuses), examples: s.examples }]));
  }

  /** The phase's latencies of one route (for the fault runs' bounds). */
  latencies(phaseName: string, route: string): number[] {
    return this.phases.get(phaseName)?.routes.get(route)?.latencies ?? [];
  }
}
