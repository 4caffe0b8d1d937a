import { agentPrincipal, bearer } from '@app/auth/testing';
import { ServiceHarness } from '@app/testing/service-harness';
import autocannon from 'autocannon';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { round, verdict, type Benchmark, type BenchmarkResult, type Figure } from '../support/benchmark';
import { watchPauses, type Pauses } from '../support/pauses';

const STEPS = {
  full: { rates: [100, 250, 500, 1000], seconds: 30, warmUpSeconds: 5 },
  quick: { rates: [50], seconds: 2, warmUpSeconds: 1 },
};
const P99_LIMIT_MS = 50;
/** Every request a new complaint: its own Idempotency-Key and caller. */
const COMPLAINT_REQUEST = path.join(__dirname, '../support/complaint-request.js');
const TARGET_RATE = 500;
/** A step whose server could not keep up with the offered rate does not count as sustained. */
const MIN_ACHIEVED_SHARE = 0.95;

interface Step {
  readonly rate: number;
  readonly achieved: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly accepted: number;
  readonly other: number;
  readonly server: Pauses;
}

/**
 * autocannon paces each connection by a budget per second, sent back to back from the second's start:
 * with one connection per request every request of a second would arrive at once. With as many
 * connections as the rate needs at the latency limit (Little's law), a server within the limit keeps each
 * connection busy for most of the second, so requests arrive spread out; one slower than the limit
 * cannot reach the offered rate, which the step then reports.
 */
function connectionsFor(rate: number): number {
  return Math.max(1, Math.ceil((rate * P99_LIMIT_MS) / 1000));
}

async function step(url: string, authorization: string, rate: number, seconds: number): Promise<Step> {
  const pauses = watchPauses();
  const result = await autocannon({
    url,
    connections: connectionsFor(rate),
    overallRate: rate,
    duration: seconds,
    // The load generator in a thread of its own, so it does not share the event loop of the server it measures.
    workers: 1,
    headers: { authorization },
    requests: [{ method: 'POST', path: '/complaints', setupRequest: COMPLAINT_REQUEST }],
  });
  const server = pauses();
  const accepted = result.statusCodeStats?.['202']?.count ?? 0;
  return {
    rate,
    achieved: round(result.requests.total / result.duration, 0),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    accepted,
    other: result.requests.total - accepted + result.errors,
    server,
  };
}

/**
 * Latency of the agent API's POST /complaints at increasing offered rates, against intake listening on a
 * real port; autocannon corrects the latencies for coordinated omission at a set rate.
 */
export const intakeApiBenchmark: Benchmark = {
  name: 'intake API',
  target: `POST /complaints sustains >= ${TARGET_RATE} req/s with p99 < ${P99_LIMIT_MS} ms`,
  async run(quick: boolean): Promise<BenchmarkResult> {
    const plan = quick ? STEPS.quick : STEPS.full;
    const harness = await new ServiceHarness({
      services: ['intake'],
      env: { HTTP_RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'error' },
    }).start();
    try {
      const app = harness.app('intake');
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      const authorization = bearer(harness.tokens.for(agentPrincipal(), 3600));
      const url = `http://127.0.0.1:${port}`;
      // Compiled code paths, pooled connections and a connected producer before anything is measured.
      await step(url, authorization, plan.rates[0] ?? 50, plan.warmUpSeconds);
      const figures: Record<string, Figure> = {};
      let sustained = 0;
      for (const rate of plan.rates) {
        const measured = await step(url, authorization, rate, plan.seconds);
        figures[`at_${rate}_rps_connections`] = connectionsFor(rate);
        figures[`at_${rate}_rps_achieved_rps`] = measured.achieved;
        figures[`at_${rate}_rps_p50_ms`] = measured.p50;
        figures[`at_${rate}_rps_p99_ms`] = measured.p99;
        figures[`at_${rate}_rps_max_ms`] = measured.max;
        figures[`at_${rate}_rps_not_202`] = measured.other;
        figures[`at_${rate}_rps_server_gc_count`] = measured.server.gcCount;
        figures[`at_${rate}_rps_server_gc_max_ms`] = measured.server.gcMaxMs;
        figures[`at_${rate}_rps_server_gc_ms_per_s`] = measured.server.gcMsPerS;
        figures[`at_${rate}_rps_server_loop_delay_p99_ms`] = measured.server.loopDelayP99Ms;
        const held = measured.p99 < P99_LIMIT_MS && measured.achieved >= rate * MIN_ACHIEVED_SHARE && measured.other === 0;
        if (held) sustained = rate;
      }
      figures['seconds_per_rate'] = plan.seconds;
      figures['highest_rps_with_p99_under_50_ms'] = sustained;
      return { name: this.name, target: this.target, figures, verdict: verdict(quick, sustained >= TARGET_RATE) };
    } finally {
      await harness.stop();
    }
  },
};
