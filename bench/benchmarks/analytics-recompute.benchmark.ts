import { KafkaProducer } from '@app/messaging';
import { createDataSource } from '@app/persistence';
import { ServiceHarness } from '@app/testing/service-harness';
import { ANALYTICS_MIGRATIONS } from '../../apps/analytics/src/migrations';
import { ProjectionStore } from '../../apps/analytics/src/projection/projection-store';
import { ProjectionRebuilder, type RecomputeProgress } from '../../apps/analytics/src/recompute/projection-rebuilder';
import { RecomputeService } from '../../apps/analytics/src/recompute/recompute.service';
import { round, verdict, type Benchmark, type BenchmarkResult, type Figure } from '../support/benchmark';
import { produceEvents } from '../support/event-traffic';
import { memoryFigures, memoryThirds, sampleMemory } from '../support/memory';
import { countOf } from '../support/poll';
import { rawConsumption } from '../support/raw-consumption';

const EVENTS = { full: 1_000_000, quick: 2_000 };
/** The points the recompute is timed at, as shares of the run: 250k, 500k and 1M of the full size. */
const CHECKPOINTS = [0.25, 0.5, 1] as const;
const RAW_TIMEOUT_MS = 10 * 60_000;
const TARGET_RATIO = 0.5;
/**
 * Linear: the time per event between the half and the end is at most this much above its time up to the
 * first quarter. A projection that slowed down as it grew (a scan per event, a ledger without its index)
 * would exceed it many times over; the shared machine's noise stays well within it.
 */
const LINEAR_TOLERANCE = 0.25;
/** Flat: the last third's mean memory is at most this much above the first third's. */
const MEMORY_TOLERANCE = 0.25;

interface Checkpoint {
  readonly events: number;
  /** Since the recompute's first batch was applied. */
  readonly ms: number;
}

/**
 * A recompute as `make recompute` runs it (its own connections, beside a stopped service), with the times
 * at which it had applied each checkpoint's events.
 */
async function recompute(
  harness: ServiceHarness,
  total: number,
): Promise<{ progress: RecomputeProgress; checkpoints: Checkpoint[]; firstBatch: Checkpoint; endMs: number; applied: number; complaints: number }> {
  const config = harness.config('analytics');
  const dataSource = createDataSource({ url: config.database.url, schema: config.database.schema, poolSize: 4, migrations: ANALYTICS_MIGRATIONS });
  await dataSource.initialize();
  try {
    const rebuilder = new ProjectionRebuilder({
      dataSource,
      store: new ProjectionStore(dataSource, config),
      kafka: harness.kafka,
      topic: harness.topics.events,
      groupPrefix: config.kafka.groupPrefix,
      serviceSchema: config.database.schema,
      partitionsConcurrency: config.kafka.partitionsConcurrency,
    });
    const started = Date.now();
    let firstBatch: { events: number; at: number } | null = null;
    const reached: Array<{ events: number; at: number }> = [];
    const targets = CHECKPOINTS.map((share) => Math.round(share * total));
    const progress = await rebuilder.run('benchmark', {
      progress: ({ eventsDone }) => {
        const at = Date.now();
        if (firstBatch === null && eventsDone > 0) firstBatch = { events: eventsDone, at };
        while (reached.length < targets.length && eventsDone >= (targets[reached.length] as number)) reached.push({ events: eventsDone, at });
      },
    });
    const endMs = Date.now() - started;
    const origin = (firstBatch as { events: number; at: number } | null) ?? { events: 0, at: started };
    const query = (sql: string) => dataSource.query(sql);
    const live = `${config.database.schema}_projection`;
    return {
      progress,
      checkpoints: reached.map(({ events, at }) => ({ events, ms: at - origin.at })),
      firstBatch: { events: origin.events, ms: origin.at - started },
      endMs,
      applied: await countOf(query, `SELECT count(*) AS n FROM "${live}".applied_events`),
      complaints: await countOf(query, `SELECT count(*) AS n FROM "${live}".complaints`),
    };
  } finally {
    await dataSource.destroy();
  }
}

/**
 * A recompute of the analytics projection from a backlog of events, as a share of what a bare kafkajs
 * consumer reads from the same topic; its memory over the run, and whether its time grows linearly.
 */
export const analyticsRecomputeBenchmark: Benchmark = {
  name: 'analytics recompute',
  target: `a recompute of 1,000,000 events at >= ${TARGET_RATIO * 100}% of raw kafkajs consumption, memory flat, time linear in the events`,
  async run(quick: boolean): Promise<BenchmarkResult> {
    const total = quick ? EVENTS.quick : EVENTS.full;
    const harness = await new ServiceHarness({ services: ['analytics'], env: { LOG_LEVEL: 'error' } }).start();
    const producer = new KafkaProducer(harness.kafka);
    try {
      // The service has migrated its schema and created its projection; stopped, its live consumer does
      // not compete with the recompute for the two cores.
      await harness.app('analytics').get(RecomputeService).settled();
      await harness.stopService('analytics');
      await producer.connect();
      const produceStarted = Date.now();
      const traffic = await produceEvents(producer, harness.topics.events, total);
      const produceMs = Date.now() - produceStarted;
      await producer.disconnect();

      const concurrency = harness.config('analytics').kafka.partitionsConcurrency;
      const raw = await rawConsumption(harness.kafka, [harness.topics.events], total, concurrency, RAW_TIMEOUT_MS);

      const memory = sampleMemory();
      const run = await recompute(harness, total);
      memory.stop();

      const { progress, checkpoints, firstBatch, applied, complaints } = run;

      const last = checkpoints[checkpoints.length - 1];
      const steadyMs = Math.max(1, last?.ms ?? run.endMs);
      const rawRate = (raw.read / raw.steadyMs) * 1000;
      // Over the steady window, like the raw consumer's: from the first batch applied to the last.
      const recomputeRate = ((progress.eventsDone - firstBatch.events) / steadyMs) * 1000;
      const ratio = recomputeRate / rawRate;
      const mem = memoryThirds(memory.samples);

      const [quarter, half, all] = checkpoints;
      const perEvent = (from: Checkpoint | undefined, to: Checkpoint | undefined) =>
        from === undefined || to === undefined || to.events === from.events ? null : (to.ms - from.ms) / (to.events - from.events);
      const early = perEvent({ events: firstBatch.events, ms: 0 }, quarter);
      const late = perEvent(half, all);
      const slowdown = early === null || late === null || early === 0 ? null : late / early;
      const linear = slowdown !== null && slowdown <= 1 + LINEAR_TOLERANCE;
      const flat = mem.rssLastMb <= mem.rssFirstMb * (1 + MEMORY_TOLERANCE) && mem.heapLastMb <= mem.heapFirstMb * (1 + MEMORY_TOLERANCE);
      const done = progress.state === 'done' && applied === traffic.messages - traffic.redelivered - traffic.malformed;
      const label = (share: number) => (quick ? `${share * 100}pct` : `${(share * EVENTS.full) / 1000}k`);

      const figures: Record<string, Figure> = {
        events: total,
        complaints: traffic.complaints,
        event_types: Object.entries(traffic.byType)
          .sort(([, a], [, b]) => b - a)
          .map(([type, count]) => `${type} ${count}`)
          .join(', '),
        redelivered: traffic.redelivered,
        malformed: traffic.malformed,
        produce_s: round(produceMs / 1000),
        partitions: 3,
        partitions_consumed_concurrently: concurrency,
        raw_messages_read: raw.read,
        raw_wall_s: round(raw.wallMs / 1000),
        raw_steady_s: round(raw.steadyMs / 1000),
        raw_messages_per_s: round(rawRate, 0),
        recompute_state: progress.state + (progress.error === null ? '' : `: ${progress.error}`),
        recompute_events_done: progress.eventsDone,
        recompute_events_skipped: progress.eventsSkipped,
        recompute_wall_s: round(run.endMs / 1000),
        recompute_first_batch_s: round(firstBatch.ms / 1000),
        ...Object.fromEntries(CHECKPOINTS.map((share, index) => [`recompute_s_at_${label(share)}`, checkpoints[index] === undefined ? 'not reached' : round((checkpoints[index] as Checkpoint).ms / 1000)])),
        recompute_events_per_s: round(recomputeRate, 0),
        us_per_event_to_quarter: early === null ? 'n/a' : round(early * 1000, 1),
        us_per_event_half_to_end: late === null ? 'n/a' : round(late * 1000, 1),
        slowdown_half_to_end_vs_to_quarter: slowdown === null ? 'n/a' : round(slowdown, 2),
        linear_tolerance: `+${LINEAR_TOLERANCE * 100}%`,
        projection_events_applied: applied,
        projection_complaints: complaints,
        ...memoryFigures(mem),
        memory_tolerance: `+${MEMORY_TOLERANCE * 100}%`,
      };
      return {
        name: this.name,
        target: this.target,
        figures,
        ratio: { value: round(ratio, 3), baseline: round(rawRate, 0), target: TARGET_RATIO },
        verdict: verdict(quick, done && ratio >= TARGET_RATIO && linear && flat),
      };
    } finally {
      await producer.disconnect().catch(() => undefined);
      await harness.stop();
    }
  },
};
