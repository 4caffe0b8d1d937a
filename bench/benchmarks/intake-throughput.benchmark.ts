import { KafkaProducer } from '@app/messaging';
import { ServiceHarness } from '@app/testing/service-harness';
import { round, verdict, type Benchmark, type BenchmarkResult, type Figure } from '../support/benchmark';
import { produceChannelMessages } from '../support/channel-traffic';
import { durableConsumption } from '../support/durable-consumption';
import { memoryFigures, memoryThirds, sampleMemory } from '../support/memory';
import { countOf, pollUntil } from '../support/poll';
import { publishedEvents } from '../support/published-events';
import { rawConsumption } from '../support/raw-consumption';

const MESSAGES = { full: 200_000, quick: 500 };
/** How long intake may take before the run reports what it got through and extrapolates. */
const INTAKE_TIMEOUT_MS = { full: 15 * 60_000, quick: 120_000 };
const RAW_TIMEOUT_MS = 10 * 60_000;
const TARGET_RATIO = 0.25;

/**
 * Intake's steady window: from the first complaint stored (the database's clock) to the last
 * complaint.received published (its record's timestamp, stamped by intake's producer on this machine).
 */
async function intakeSteadyMs(query: (sql: string) => Promise<unknown>, schema: string, lastPublishedAt: number | null): Promise<number> {
  if (lastPublishedAt === null) return 0;
  return countOf(query, `SELECT ${lastPublishedAt} - 1000 * extract(epoch FROM (SELECT min(created_at) FROM "${schema}".complaints)) AS n`);
}

/**
 * Intake's consumers against a backlog on the channel topics, as a share of what a bare kafkajs consumer
 * reads from the same topics: the cost of decoding, storing and publishing each complaint. A second
 * reference, a consumer that only writes each batch's bytes to PostgreSQL, shows how much of the gap is
 * the durable write any intake must make; the target stays against the bare consumer.
 */
export const intakeThroughputBenchmark: Benchmark = {
  name: 'intake throughput',
  target: `intake stores and publishes complaints at >= ${TARGET_RATIO * 100}% of raw kafkajs consumption`,
  async run(quick: boolean): Promise<BenchmarkResult> {
    const total = quick ? MESSAGES.quick : MESSAGES.full;
    const timeoutMs = quick ? INTAKE_TIMEOUT_MS.quick : INTAKE_TIMEOUT_MS.full;
    const harness = await new ServiceHarness({ services: ['intake'], env: { LOG_LEVEL: 'error' } }).start();
    const { intake } = harness.schemas();
    const query = (sql: string) => harness.dataSource('intake').query(sql);
    const producer = new KafkaProducer(harness.kafka);
    try {
      // Intake has migrated its schema; stopped, it reads the whole backlog once started again.
      await harness.stopService('intake');
      await producer.connect();
      const produceStarted = Date.now();
      const channels = await produceChannelMessages(producer, harness.topics, total);
      const produceMs = Date.now() - produceStarted;
      await producer.disconnect();

      const channelTopics = [harness.topics.hotline, harness.topics.email, harness.topics.instore];
      const concurrency = harness.config('intake').kafka.partitionsConcurrency;
      const raw = await rawConsumption(harness.kafka, channelTopics, total, concurrency, RAW_TIMEOUT_MS);
      const durable = await durableConsumption(harness.kafka, harness.config('intake').database, channelTopics, total, concurrency, RAW_TIMEOUT_MS);

      const memory = sampleMemory();
      const started = Date.now();
      await harness.startService('intake');
      const startMs = Date.now() - started;
      const stored = () => countOf(query, `SELECT count(*) AS n FROM "${intake}".complaints`);
      const done = await pollUntil(
        async () => (await stored()) >= total && (await countOf(query, `SELECT count(*) AS n FROM "${intake}".outbox`)) === 0,
        { timeoutMs, intervalMs: 250 },
      );
      const intakeMs = Date.now() - started;
      memory.stop();
      const complaints = await stored();
      const published = await publishedEvents(harness.kafka, harness.topics.events);
      const deadLettered = (await harness.admin.fetchTopicOffsets(harness.topics.deadLetter)).reduce((sum, partition) => sum + Number(partition.high), 0);
      // Rates are over each side's steady window (first message to last), so neither pays for joining its group.
      const steadyMs = Math.max(1, await intakeSteadyMs(query, intake, published.lastAt));
      const rawRate = (raw.read / raw.steadyMs) * 1000;
      const intakeRate = (complaints / steadyMs) * 1000;
      const ratio = intakeRate / rawRate;

      const figures: Record<string, Figure> = {
        messages: total,
        hotline_email_instore: `${channels.hotline}/${channels.email}/${channels.instore}`,
        produce_s: round(produceMs / 1000),
        partitions_per_topic: 3,
        partitions_consumed_concurrently: concurrency,
        raw_messages_read: raw.read,
        raw_wall_s: round(raw.wallMs / 1000),
        raw_steady_s: round(raw.steadyMs / 1000),
        raw_messages_per_s: round(rawRate, 0),
        durable_messages_read: durable.read,
        durable_messages_per_s: round((durable.read / durable.steadyMs) * 1000, 0),
        ratio_to_durable: round(intakeRate / ((durable.read / durable.steadyMs) * 1000), 3),
        intake_start_s: round(startMs / 1000),
        intake_wall_s: round(intakeMs / 1000),
        intake_steady_s: round(steadyMs / 1000),
        complaints_stored: complaints,
        complaint_events_published: published.count,
        dead_lettered: deadLettered,
        complaints_per_s: round(intakeRate, 0),
        ...memoryFigures(memoryThirds(memory.samples)),
      };
      if (!done) {
        figures['finished'] = `no: ${complaints} of ${total} stored within ${Math.round(timeoutMs / 1000)} s`;
        figures['extrapolated_s_for_all'] = complaints === 0 ? 'n/a' : round(total / intakeRate, 0);
      }
      return {
        name: this.name,
        target: this.target,
        figures,
        ratio: { value: round(ratio, 3), baseline: round(rawRate, 0), target: TARGET_RATIO },
        verdict: verdict(quick, ratio >= TARGET_RATIO),
      };
    } finally {
      await producer.disconnect().catch(() => undefined);
      await harness.stop();
    }
  },
};
