import { KafkaProducer } from '@app/messaging';
import { ProcessDeployment } from '@app/testing/process-deployment';
import { round, verdict, type Benchmark, type BenchmarkResult, type Figure } from '../support/benchmark';
import { produceChannelMessages } from '../support/channel-traffic';
import { countOf, pollUntil } from '../support/poll';
import { publishedEvents } from '../support/published-events';

const MESSAGES = { full: 60_000, quick: 300 };
const PARTITIONS = 6;
/** How long a drain may take before the run reports what it got through. */
const DRAIN_TIMEOUT_MS = { full: 10 * 60_000, quick: 60_000 };
const SETTLE_TIMEOUT_MS = 60_000;
/** Two instances are to be no slower than one; on two cores no gain is expected, so 10% is noise. */
const TARGET_RATIO = 0.9;

interface Drain {
  readonly instances: number;
  readonly produceMs: number;
  /** From starting the instances until every member held its partitions. */
  readonly settleMs: number;
  readonly settled: boolean;
  readonly wallMs: number;
  /** From the first complaint stored to the last event published, and the complaints in between. */
  readonly wholeMs: number;
  /** From the group settling (or the first complaint stored, if later) to the last event published. */
  readonly steadyMs: number;
  readonly steadyComplaints: number;
  readonly finished: boolean;
  readonly stored: number;
  readonly lost: number;
  readonly duplicatedRows: number;
  readonly duplicatedEvents: number;
  readonly deadLettered: number;
}

/**
 * Resolves once every one of intake's consumer groups is stable with `members` members, i.e. no
 * rebalance is pending and each instance reads its share of the partitions.
 */
async function groupsSettled(deployment: ProcessDeployment, members: number, timeoutMs: number): Promise<boolean> {
  const prefix = `${deployment.config('intake').kafka.groupPrefix}.intake.`;
  const { admin } = deployment;
  return pollUntil(
    async () => {
      const { groups } = await admin.listGroups();
      const ids = groups.map((group) => group.groupId).filter((id) => id.startsWith(prefix));
      if (ids.length === 0) return false;
      const described = await admin.describeGroups(ids);
      return described.groups.every((group) => group.state === 'Stable' && group.members.length === members);
    },
    { timeoutMs, intervalMs: 50 },
  );
}

/** The epoch-ms instant as a PostgreSQL timestamptz literal expression. */
const at = (epochMs: number) => `to_timestamp(${epochMs / 1000})`;

/**
 * A backlog of `total` channel messages on topics of `PARTITIONS` partitions, drained by `instances`
 * intake instances of one consumer group, each on the same schema and each a process of its own, as
 * deployed (one pod per instance).
 */
async function drain(instances: number, total: number, timeoutMs: number): Promise<Drain> {
  const deployment = new ProcessDeployment({ LOG_LEVEL: 'error' }, { services: ['intake'], partitions: PARTITIONS });
  const producer = new KafkaProducer(deployment.kafka);
  try {
    // Intake's schema is migrated; started afterwards, each instance reads its share of the whole backlog.
    await deployment.prepare();
    const intake = deployment.schema('intake');
    const query = (sql: string) => deployment.dataSource.query(sql);
    await producer.connect();
    const produceStarted = Date.now();
    await produceChannelMessages(producer, deployment.topics, total);
    const produceMs = Date.now() - produceStarted;
    await producer.disconnect();

    // Started together, the later member still joins after the first already reads: the group
    // rebalances once, and the steady window begins when it has.
    const started = Date.now();
    await Promise.all([deployment.startService('intake'), ...Array.from({ length: instances - 1 }, () => deployment.startInstance('intake'))]);
    const settled = await groupsSettled(deployment, instances, SETTLE_TIMEOUT_MS);
    const settledAt = Date.now();
    const stored = () => countOf(query, `SELECT count(DISTINCT dedup_key) AS n FROM "${intake}".complaints`);
    const finished = await pollUntil(
      async () => (await stored()) >= total && (await countOf(query, `SELECT count(*) AS n FROM "${intake}".outbox`)) === 0,
      { timeoutMs, intervalMs: 250 },
    );
    const wallMs = Date.now() - started;

    const distinct = await stored();
    const rows = await countOf(query, `SELECT count(*) AS n FROM "${intake}".complaints`);
    const published = await publishedEvents(deployment.kafka, deployment.topics.events);
    const events = published.count;
    const lastPublished = at(published.lastAt ?? Date.now());
    const deadLettered = (await deployment.admin.fetchTopicOffsets(deployment.topics.deadLetter)).reduce((sum, partition) => sum + Number(partition.high), 0);
    // As intake throughput measures: complaints stored from the window's start (the database's clock)
    // over the time until the last complaint.received was published (its record's timestamp).
    const wholeMs = await countOf(
      query,
      `SELECT 1000 * extract(epoch FROM ${lastPublished} - (SELECT min(created_at) FROM "${intake}".complaints)) AS n`,
    );
    const windowStart = await countOf(query, `SELECT 1000 * extract(epoch FROM greatest(${at(settledAt)}, (SELECT min(created_at) FROM "${intake}".complaints))) AS n`);
    const steadyMs = await countOf(query, `SELECT 1000 * extract(epoch FROM ${lastPublished} - ${at(windowStart)}) AS n`);
    const steadyComplaints = await countOf(query, `SELECT count(*) AS n FROM "${intake}".complaints WHERE created_at >= ${at(windowStart)}`);
    return {
      instances,
      produceMs,
      settleMs: settledAt - started,
      settled,
      wallMs,
      wholeMs: Math.max(1, wholeMs),
      steadyMs: Math.max(1, steadyMs),
      steadyComplaints,
      finished,
      stored: distinct,
      lost: Math.max(0, total - distinct),
      duplicatedRows: rows - distinct,
      // Intake publishes one complaint.received per complaint and nothing else here.
      duplicatedEvents: Math.max(0, events - distinct),
      deadLettered,
    };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await deployment.stop();
  }
}

/** Complaints per second over the steady window, or over the whole drain when `whole`. */
function rateOf(drained: Drain, whole: boolean): number {
  return whole ? (drained.stored / drained.wholeMs) * 1000 : (drained.steadyComplaints / drained.steadyMs) * 1000;
}

/**
 * A steady window is only worth comparing when most of the backlog was drained in it; a small backlog
 * can be gone before the second member has joined, and then only the whole drains compare.
 */
const hasSteadyWindow = (drained: Drain, total: number) => drained.settled && drained.steadyComplaints >= total / 2;

function figuresOf(prefix: string, drained: Drain, total: number, timeoutMs: number): Record<string, Figure> {
  const figures: Record<string, Figure> = {
    [`${prefix}_produce_s`]: round(drained.produceMs / 1000),
    [`${prefix}_group_settled_s`]: drained.settled ? round(drained.settleMs / 1000) : 'not settled',
    [`${prefix}_wall_s`]: round(drained.wallMs / 1000),
    [`${prefix}_whole_drain_s`]: round(drained.wholeMs / 1000),
    [`${prefix}_whole_drain_complaints_per_s`]: round(rateOf(drained, true), 0),
    [`${prefix}_steady_s`]: round(drained.steadyMs / 1000),
    [`${prefix}_steady_complaints`]: drained.steadyComplaints,
    [`${prefix}_share_stored_after_group_settled_pct`]: round((drained.steadyComplaints / total) * 100, 0),
    [`${prefix}_steady_complaints_per_s`]: round(rateOf(drained, false), 0),
    [`${prefix}_stored`]: drained.stored,
    [`${prefix}_lost`]: drained.lost,
    [`${prefix}_duplicated_rows`]: drained.duplicatedRows,
    [`${prefix}_duplicated_events`]: drained.duplicatedEvents,
    [`${prefix}_dead_lettered`]: drained.deadLettered,
  };
  if (!drained.finished) figures[`${prefix}_finished`] = `no: ${drained.stored} of ${total} stored within ${Math.round(timeoutMs / 1000)} s`;
  return figures;
}

const intact = (drained: Drain) => drained.finished && drained.lost === 0 && drained.duplicatedRows === 0 && drained.duplicatedEvents === 0 && drained.deadLettered === 0;

/**
 * The same backlog on channel topics of six partitions drained by one intake instance, then (on fresh
 * topics and schema) by two instances of one consumer group; the rate of two as a ratio of one's, each
 * over its steady window, which begins once the group has settled, so the second member's join is not
 * charged to it (a backlog too small for that, as in a quick run, compares the whole drains). Each
 * instance is a process of its own, built as deployed, but the machine has two cores for everything
 * (the broker and the database included): the point is that two instances split the partitions and
 * lose or duplicate nothing, and are no slower, not that they are faster.
 */
export const scaleOutBenchmark: Benchmark = {
  name: 'scale-out',
  target: `two intake instances on ${PARTITIONS} partitions drain a backlog at >= ${TARGET_RATIO} of one instance's rate (no regression; on 2 cores no gain is expected), nothing lost or duplicated`,
  async run(quick: boolean): Promise<BenchmarkResult> {
    const total = quick ? MESSAGES.quick : MESSAGES.full;
    const timeoutMs = quick ? DRAIN_TIMEOUT_MS.quick : DRAIN_TIMEOUT_MS.full;
    const one = await drain(1, total, timeoutMs);
    const two = await drain(2, total, timeoutMs);
    const whole = !(hasSteadyWindow(one, total) && hasSteadyWindow(two, total));
    const baseline = rateOf(one, whole);
    const ratio = rateOf(two, whole) / Math.max(Number.MIN_VALUE, baseline);
    const figures: Record<string, Figure> = {
      messages: total,
      partitions_per_topic: PARTITIONS,
      ratio_over: whole ? 'whole drains (a steady window held too little of the backlog)' : 'steady windows',
      ...figuresOf('one', one, total, timeoutMs),
      ...figuresOf('two', two, total, timeoutMs),
    };
    return {
      name: this.name,
      target: this.target,
      figures,
      ratio: { value: round(ratio, 3), baseline: round(baseline, 0), target: TARGET_RATIO },
      verdict: verdict(quick, ratio >= TARGET_RATIO && intact(one) && intact(two)),
    };
  },
};
