import { ALWAYS_OPEN, DEFAULT_SLA_TARGETS } from '@app/domain';
import { uniqueName } from '@app/testing/infrastructure';
import { ProcessDeployment } from '@app/testing/process-deployment';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Consumer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { connectionFor } from '../../apps/workflow/src/timers/timer-queue.service';
import { round, verdict, type Benchmark, type BenchmarkResult } from '../support/benchmark';
import { commandCpuSeconds, cpuBetween, ownCpuSeconds, processCpuSeconds, readCpu, redisCpuSeconds, type CpuReading } from '../support/cpu';
import { pollUntil } from '../support/poll';

/** Deadlines spread evenly over the window, and a burst all due at the same instant in its middle. */
const SIZES = {
  full: { spread: 100_000, burst: 10_000, windowMs: 60_000, leadMs: 45_000 },
  quick: { spread: 200, burst: 100, windowMs: 5_000, leadMs: 10_000 },
};
const TARGET = { p50Ms: 50, p99Ms: 1000, maxMs: 2000 };
const SEED_BATCH = 10_000;
/** After the last breach arrives, how long to go on listening for a second copy of any. */
const DUPLICATE_WATCH_MS = 3000;
const FIRST_RESPONSE_MS = DEFAULT_SLA_TARGETS.normal.firstResponseMs;

interface Seeded {
  /** Due time (ms) of each complaint's first-response deadline. */
  readonly dueAt: Map<string, number>;
  readonly burst: Set<string>;
}

function dueTimes(size: (typeof SIZES)['full'], firstDue: number): Seeded {
  const dueAt = new Map<string, number>();
  const burst = new Set<string>();
  for (let index = 0; index < size.spread; index += 1) dueAt.set(randomUUID(), firstDue + Math.floor((index * size.windowMs) / size.spread));
  const burstAt = firstDue + Math.floor(size.windowMs / 2);
  for (let index = 0; index < size.burst; index += 1) {
    const id = randomUUID();
    dueAt.set(id, burstAt);
    burst.add(id);
  }
  return { dueAt, burst };
}

/**
 * Writes the complaints and their first-response deadlines straight into workflow's tables, as its
 * consumer would have left them for unanswered email complaints received four hours before their due
 * time (the normal-severity target), with the three-hour warning already given.
 */
async function seed(deployment: ProcessDeployment, seeded: Seeded): Promise<void> {
  const schema = deployment.schema('workflow');
  const { dataSource } = deployment;
  const entries = [...seeded.dueAt];
  for (let start = 0; start < entries.length; start += SEED_BATCH) {
    const chunk = entries.slice(start, start + SEED_BATCH);
    const ids = chunk.map(([id]) => id);
    const due = chunk.map(([, at]) => new Date(at));
    await dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO "${schema}".complaints (id, reference, channel, store_id, category, severity, customer_id, state, owner_id, received_at)
         SELECT d.id, 'BENCH-' || ($3::int + d.n), 'email', NULL, 'product_quality', 'normal', gen_random_uuid(), 'new', NULL,
                d.due - $4::bigint * interval '1 millisecond'
         FROM unnest($1::uuid[], $2::timestamptz[]) WITH ORDINALITY AS d(id, due, n)`,
        [ids, due, start, FIRST_RESPONSE_MS],
      );
      await manager.query(
        `INSERT INTO "${schema}".sla_deadlines (complaint_id, kind, cycle, calendar, target_ms, started_at, consumed_ms, due_at, warn_at, warned_at, version)
         SELECT d.id, 'first_response', 1, $3::jsonb, $4::bigint, d.due - $4::bigint * interval '1 millisecond', 0, d.due,
                d.due - $5::bigint * interval '1 millisecond', d.due - $5::bigint * interval '1 millisecond', 1
         FROM unnest($1::uuid[], $2::timestamptz[]) AS d(id, due)`,
        [ids, due, JSON.stringify(ALWAYS_OPEN), FIRST_RESPONSE_MS, Math.round(FIRST_RESPONSE_MS / 4)],
      );
    });
  }
}

interface Published {
  /** Kafka record timestamps (the producer's send time) of each complaint's sla.breached events. */
  readonly at: Map<string, number[]>;
  count: number;
}

/** Reads sla.breached from the events topic; other events are passed over by their header. */
async function readBreaches(deployment: ProcessDeployment, published: Published): Promise<Consumer> {
  const consumer = deployment.kafka.consumer({ groupId: uniqueName('bench-breaches'), maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: [deployment.topics.events], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        if (message.headers?.['event-type']?.toString() !== 'sla.breached') continue;
        const complaintId = message.key?.toString() ?? '';
        const list = published.at.get(complaintId) ?? [];
        list.push(Number(message.timestamp));
        published.at.set(complaintId, list);
        published.count += 1;
      }
    },
  });
  return consumer;
}

/** Timers waiting in workflow's queue for their time. */
async function delayedTimers(deployment: ProcessDeployment): Promise<number> {
  const queue = new Queue(deployment.timerQueue, { connection: connectionFor(deployment.config('workflow').redis.url, false) });
  try {
    return await queue.getDelayedCount();
  } finally {
    await queue.close();
  }
}

/**
 * Who spends the machine's CPU while breaches fire: workflow's process, Redis (BullMQ's scripts),
 * PostgreSQL's processes, the broker (the only Java process of the stack) and this process, which
 * reads the breaches off the events topic.
 */
function firingCpuParts(deployment: ProcessDeployment, redis: Redis): Record<string, () => number | Promise<number>> {
  const workflowPid = deployment.running.get('workflow')?.process.pid ?? Number.NaN;
  return {
    workflow: () => processCpuSeconds(workflowPid),
    redis: () => redisCpuSeconds(redis),
    postgres: () => commandCpuSeconds('postgres'),
    kafka: () => commandCpuSeconds('java'),
    reader: ownCpuSeconds,
  };
}

/** Microseconds of CPU per breach for each part, their sum, and how many of the cores they kept busy. */
function cpuPerBreach(cpu: CpuReading, seconds: number, breaches: number): Record<string, number> {
  const total = Object.values(cpu).reduce((sum, value) => sum + value, 0);
  return {
    ...Object.fromEntries(Object.entries(cpu).map(([part, cpuS]) => [`cpu_us_per_breach_${part}`, round((cpuS * 1e6) / breaches, 0)])),
    cpu_us_per_breach_all: round((total * 1e6) / breaches, 0),
    cores_busy_while_firing: round(total / seconds, 2),
  };
}

function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] ?? Number.NaN;
}

function distribution(prefix: string, values: number[]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    [`${prefix}_p50_ms`]: percentile(sorted, 0.5),
    [`${prefix}_p90_ms`]: percentile(sorted, 0.9),
    [`${prefix}_p99_ms`]: percentile(sorted, 0.99),
    [`${prefix}_max_ms`]: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/**
 * How late breaches are announced when many deadlines fall due: deadlines spread over a window plus a
 * burst due at one instant, their timers scheduled by workflow's own reconciliation as it starts (as
 * after a restart, or after Redis lost its jobs), fired by its timer queue, published through its
 * outbox. Workflow runs from the build as a process of its own, as deployed; the seeding and the reading
 * run in this process, off its event loop. Lateness is the Kafka record timestamp of the sla.breached
 * event (when the outbox relay sent it) minus the due time; the recorded lateness (the breach's commit,
 * by its transaction's clock) shows how much of it is the timers' and how much the outbox's. The CPU
 * each part of the stack spent from the first due time until the last breach was out, per breach, shows
 * where the machine's capacity goes when workflow falls behind.
 */
export const breachLatenessBenchmark: Benchmark = {
  name: 'breach lateness',
  target: `breach alerts published p50 < ${TARGET.p50Ms} ms, p99 < ${TARGET.p99Ms} ms, max < ${TARGET.maxMs} ms after due; none missed or twice`,
  async run(quick: boolean): Promise<BenchmarkResult> {
    const size = quick ? SIZES.quick : SIZES.full;
    const deployment = new ProcessDeployment({ LOG_LEVEL: 'error' }, { services: ['workflow'] });
    const published: Published = { at: new Map(), count: 0 };
    let consumer: Consumer | null = null;
    const redis = new Redis(deployment.config('workflow').redis.url, { lazyConnect: true });
    try {
      await redis.connect();
      await deployment.prepare();
      const firstDue = Date.now() + size.leadMs;
      const seeded = dueTimes(size, firstDue);
      const expected = seeded.dueAt.size;
      consumer = await readBreaches(deployment, published);

      const seedStarted = Date.now();
      await seed(deployment, seeded);
      const seedMs = Date.now() - seedStarted;
      // Workflow reconciles before it answers /ready: once it does, every seeded deadline has its timer.
      const startStarted = Date.now();
      await deployment.startService('workflow');
      const startMs = Date.now() - startStarted;
      const delayed = await delayedTimers(deployment);
      const scheduledInTime = Date.now() < firstDue;

      // CPU of each part from the first due time until the last breach is out: what firing costs.
      const cpuParts = firingCpuParts(deployment, redis);
      const cpuAtFirstDue = new Promise<CpuReading>((resolve) => setTimeout(() => resolve(readCpu(cpuParts)), Math.max(0, firstDue - Date.now())));
      const lastDue = firstDue + size.windowMs;
      await pollUntil(async () => published.at.size >= expected, { timeoutMs: lastDue - Date.now() + 120_000, intervalMs: 200 });
      const firingCpu = cpuBetween(await cpuAtFirstDue, await readCpu(cpuParts));
      const firingSeconds = (Date.now() - firstDue) / 1000;
      await new Promise((resolve) => setTimeout(resolve, DUPLICATE_WATCH_MS));

      const lateness: number[] = [];
      const burstLateness: number[] = [];
      let duplicates = 0;
      let early = 0;
      for (const [complaintId, times] of published.at) {
        const dueAt = seeded.dueAt.get(complaintId);
        if (dueAt === undefined) continue;
        duplicates += times.length - 1;
        const late = Math.min(...times) - dueAt;
        if (late < 0) early += 1;
        lateness.push(late);
        if (seeded.burst.has(complaintId)) burstLateness.push(late);
      }
      const missed = expected - lateness.length;
      // When each breach was recorded (its transaction's clock): the part of the lateness before the outbox.
      const recorded = (await deployment.dataSource.query(
        `SELECT complaint_id, breached_at FROM "${deployment.schema('workflow')}".sla_deadlines WHERE breached_at IS NOT NULL`,
      )) as Array<{
        complaint_id: string;
        breached_at: Date;
      }>;
      const recordedLateness = recorded.map((row) => row.breached_at.getTime() - (seeded.dueAt.get(row.complaint_id) ?? Number.NaN));
      // Deadlines fall due at `due_per_s` a second on average. Workflow keeps up while it records breaches at
      // least that fast; when it cannot, the rate it recorded them at from the first due time is its capacity.
      const lastRecorded = recorded.reduce((latest, row) => Math.max(latest, row.breached_at.getTime()), firstDue);
      const recordingSeconds = Math.max(size.windowMs, lastRecorded - firstDue) / 1000;
      const overall = distribution('lateness', lateness);
      const figures = {
        deadlines: expected,
        deadlines_spread: size.spread,
        spread_over_s: size.windowMs / 1000,
        deadlines_due_at_one_instant: size.burst,
        seed_ms: seedMs,
        start_and_schedule_ms: startMs,
        timers_delayed_after_schedule: delayed,
        scheduled_before_first_due: scheduledInTime ? 'yes' : 'no',
        breaches_published: published.count,
        missed,
        duplicates,
        published_before_due: early,
        ...overall,
        ...distribution('burst_lateness', burstLateness),
        ...distribution('recorded_lateness', recordedLateness),
        due_per_s: round(expected / (size.windowMs / 1000), 0),
        recorded_per_s_from_first_due: round(recorded.length / recordingSeconds, 0),
        lateness_mean_ms: round(lateness.reduce((sum, value) => sum + value, 0) / Math.max(1, lateness.length), 1),
        ...cpuPerBreach(firingCpu, firingSeconds, expected),
      };
      const met =
        scheduledInTime &&
        missed === 0 &&
        duplicates === 0 &&
        early === 0 &&
        (overall['lateness_p50_ms'] ?? Number.NaN) < TARGET.p50Ms &&
        (overall['lateness_p99_ms'] ?? Number.NaN) < TARGET.p99Ms &&
        (overall['lateness_max_ms'] ?? Number.NaN) < TARGET.maxMs;
      return { name: this.name, target: this.target, figures, verdict: verdict(quick, met) };
    } finally {
      await consumer?.disconnect().catch(() => undefined);
      redis.disconnect();
      await deployment.stop();
    }
  },
};
