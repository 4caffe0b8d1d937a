import type { ServiceName } from '@app/config';
import { violationKind, violationOf } from './fuzz-verdict';
import type { FuzzRoute } from './openapi-routes';
import { sendRaw, type Endpoint, type RawResponse } from './raw-http';
import { describeRequest, type FuzzRequest } from './request-arbitraries';

interface RouteStats {
  requests: number;
  /** Answers other than 401, 403 and 429: the request got past authentication and rate limiting. */
  reached: number;
  readonly statuses: Map<number, number>;
}

export interface Violation {
  readonly route: string;
  readonly problem: string;
  /** One request that showed it, as a report line. */
  readonly request: string;
  readonly count: number;
}

/**
 * Sends fuzzed requests and keeps what came back: answers per route and status, and every violation
 * grouped by route and kind with an example request, so that one run lists all of them.
 */
export class FuzzRun {
  private readonly stats = new Map<string, RouteStats>();
  private readonly violations = new Map<string, Violation>();

  constructor(
    private readonly endpoint: (service: ServiceName) => Endpoint,
    private readonly timeouts: { readonly requestMs: number; readonly streamMs: number },
  ) {}

  private statsOf(route: FuzzRoute): RouteStats {
    let stats = this.stats.get(route.id);
    if (stats === undefined) {
      stats = { requests: 0, reached: 0, statuses: new Map() };
      this.stats.set(route.id, stats);
    }
    return stats;
  }

  private violated(fuzz: FuzzRequest, problem: string): void {
    const key = `${fuzz.route.id} ${violationKind(problem)}`;
    const seen = this.violations.get(key);
    this.violations.set(key, seen === undefined ? { route: fuzz.route.id, problem, request: describeRequest(fuzz), count: 1 } : { ...seen, count: seen.count + 1 });
  }

  async send(fuzz: FuzzRequest): Promise<void> {
    const stats = this.statsOf(fuzz.route);
    stats.requests += 1;
    let response: RawResponse;
    try {
      response = await sendRaw(this.endpoint(fuzz.route.service), fuzz.request, { timeoutMs: fuzz.route.streams ? this.timeouts.streamMs : this.timeouts.requestMs });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      // Node's own client refused to send it: the generator made something no client can send.
      if (code.startsWith('ERR_')) throw error;
      this.violated(fuzz, `no answer: ${code || (error as Error).message}`);
      return;
    }
    stats.statuses.set(response.status, (stats.statuses.get(response.status) ?? 0) + 1);
    if (![401, 403, 429].includes(response.status)) stats.reached += 1;
    const problem = violationOf(response);
    if (problem !== null) this.violated(fuzz, problem);
  }

  get total(): number {
    return [...this.stats.values()].reduce((sum, stats) => sum + stats.requests, 0);
  }

  allViolations(): Violation[] {
    return [...this.violations.values()];
  }

  /** Routes where fewer than `share` of the requests got past authentication: validation went unexercised. */
  unreached(routes: readonly FuzzRoute[], share: number): FuzzRoute[] {
    return routes.filter((route) => {
      const stats = this.statsOf(route);
      return stats.reached < stats.requests * share;
    });
  }

  report(routes: readonly FuzzRoute[], seconds: number, seed: number): string {
    const lines = routes.map((route) => {
      const stats = this.statsOf(route);
      const statuses = [...stats.statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`);
      return `  ${route.id.padEnd(55)} ${String(stats.requests).padStart(5)}  ${statuses.join(' ')}${route.streams ? '  (event stream: head only)' : ''}`;
    });
    const violations = this.allViolations()
      .slice(0, 40)
      .map((violation) => `  ${violation.count}× ${violation.route}: ${violation.problem}\n      e.g. ${violation.request}`);
    return [
      `HTTP fuzzing: ${this.total} requests over ${routes.length} routes in ${seconds.toFixed(1)} s (${Math.round(this.total / seconds)}/s), seed ${seed}`,
      ...lines,
      ...(violations.length === 0 ? [] : ['violations:', ...violations]),
    ].join('\n');
  }
}
