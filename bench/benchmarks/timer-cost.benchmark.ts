import { KafkaProducer } from '@app/messaging';
import { ServiceHarness } from '@app/testing/service-harness';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { TimerJob } from '../../apps/workflow/src/timers/timer-jobs';
import { TimerQueueService } from '../../apps/workflow/src/timers/timer-queue.service';
import { round, verdict, type Benchmark, type BenchmarkResult } from '../support/benchmark';
import { produceChannelMessages } from '../support/channel-traffic';
import { redisCpuSeconds } from '../support/cpu';
import { countOf, pollUntil } from '../support/poll';

const TIMERS = { full: 100_000, quick: 1_000 };
const COMPLAINTS = { full: 2_000, quick: 100 };
const TARGET_BYTES_PER_TIMER = 1024;
const SCHEDULE_BATCH = 1_000;
const YEAR_MS = 365 * 24 * 3600 * 1000;

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const match = /^used_memory:(\d+)/m.exec(info);
  if (match?.[1] === undefined) throw new Error('INFO memory has no used_memory');
  return Number(match[1]);
}

/**
 * What the queue's own keys take, summed with MEMORY USAGE: unlike used_memory, this does not move
 * with whatever else uses the same Redis meanwhile.
 */
async function queueKeyBytes(redis: Redis, queueName: string): Promise<number> {
  let total = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `bull:${queueName}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
    for (const [error, bytes] of (await pipeline.exec()) ?? []) if (error === null) total += Number(bytes ?? 0);
  } while (cursor !== '0');
  return total;
}

/** Deadlines a year away: scheduled like workflow's own, and none fires while it is measured. */
function farDeadlines(count: number, now: Date): TimerJob[] {
  const at = new Date(now.getTime() + YEAR_MS).toISOString();
  return Array.from({ length: count }, () => ({
    name: 'sla-deadline' as const,
    data: { complaintId: randomUUID(), kind: 'resolution' as const, phase: 'breach' as const, version: 1, at },
  }));
}

async function measureTimers(harness: ServiceHarness, count: number): Promise<Record<string, number>> {
  const timers = harness.app('workflow').get(TimerQueueService);
  const redis = new Redis(harness.config('workflow').redis.url, { lazyConnect: true });
  await redis.connect();
  try {
    const before = await usedMemory(redis);
    const keysBefore = await queueKeyBytes(redis, harness.timerQueue);
    const started = Date.now();
    const redisCpuBefore = await redisCpuSeconds(redis);
    for (let scheduled = 0; scheduled < count; scheduled += SCHEDULE_BATCH) {
      const now = new Date();
      await timers.schedule(farDeadlines(Math.min(SCHEDULE_BATCH, count - scheduled), now), now);
    }
    const redisCpuS = (await redisCpuSeconds(redis)) - redisCpuBefore;
    const scheduleMs = Date.now() - started;
    const delayed = await timers.queue.getDelayedCount();
    const after = await usedMemory(redis);
    const keysAfter = await queueKeyBytes(redis, harness.timerQueue);
    await timers.queue.obliterate({ force: true });
    const released = await usedMemory(redis);
    return {
      timers_scheduled: count,
      timers_delayed_in_queue: delayed,
      schedule_ms: scheduleMs,
      timers_per_s: round((count / scheduleMs) * 1000, 0),
      redis_cpu_us_per_timer_scheduled: round((redisCpuS * 1e6) / count, 0),
      redis_used_memory_before_bytes: before,
      redis_used_memory_after_bytes: after,
      redis_used_memory_after_obliterate_bytes: released,
      redis_bytes_per_timer: round((after - before) / count, 0),
      queue_key_bytes_per_timer: round((keysAfter - keysBefore) / count, 0),
    };
  } finally {
    redis.disconnect();
  }
}

async function relationBytes(harness: ServiceHarness, schema: string, tables: readonly string[]): Promise<number> {
  const query = (sql: string) => harness.dataSource('intake').query(sql);
  let total = 0;
  for (const table of tables) total += await countOf(query, `SELECT pg_total_relation_size('"${schema}".${table}') AS n`);
  return total;
}

async function schemaBytes(harness: ServiceHarness, schema: string): Promise<number> {
  return countOf(
    (sql) => harness.dataSource('intake').query(sql),
    `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
      WHERE s.nspname = '${schema}' AND c.relkind IN ('r', 'm')`,
  );
}

async function measureStorage(harness: ServiceHarness, complaints: number): Promise<Record<string, number | string>> {
  const { intake, workflow } = harness.schemas();
  const query = (sql: string) => harness.dataSource('intake').query(sql);
  const producer = new KafkaProducer(harness.kafka);
  try {
    await producer.connect();
    const started = Date.now();
    await produceChannelMessages(producer, harness.topics, complaints);
    const settled = await pollUntil(
      async () =>
        (await countOf(query, `SELECT count(*) AS n FROM "${workflow}".sla_deadlines`)) >= 2 * complaints &&
        (await countOf(query, `SELECT count(*) AS n FROM "${intake}".outbox`)) === 0,
      { timeoutMs: 600_000, intervalMs: 500 },
    );
    const pipelineMs = Date.now() - started;
    const stored = await countOf(query, `SELECT count(*) AS n FROM "${workflow}".complaints`);
    if (stored === 0) throw new Error('no complaint reached workflow');
    const workflowBytes = await relationBytes(harness, workflow, ['complaints', 'sla_deadlines', 'complaint_history']);
    const intakeBytes = await relationBytes(harness, intake, ['complaints']);
    return {
      complaints_through_pipeline: stored,
      pipeline_settled: settled ? 'yes' : `no: ${stored} of ${complaints} within 600 s`,
      pipeline_ms: pipelineMs,
      pg_workflow_bytes_per_complaint: round(workflowBytes / stored, 0),
      pg_intake_complaints_bytes_per_complaint: round(intakeBytes / stored, 0),
      pg_bytes_per_complaint: round((workflowBytes + intakeBytes) / stored, 0),
      pg_all_tables_bytes_per_complaint: round(((await schemaBytes(harness, workflow)) + (await schemaBytes(harness, intake))) / stored, 0),
    };
  } finally {
    await producer.disconnect();
  }
}

/**
 * What an open complaint costs to keep: its deadlines' timers in Redis, and its rows in PostgreSQL.
 * Timers are measured first, on an empty queue; the complaints' own timers come after.
 */
export const timerCostBenchmark: Benchmark = {
  name: 'timer cost',
  target: 'Redis memory per open deadline timer < 1 KB (PostgreSQL bytes per complaint reported)',
  async run(quick: boolean): Promise<BenchmarkResult> {
    const harness = await new ServiceHarness({ services: ['intake', 'workflow'], env: { LOG_LEVEL: 'error' } }).start();
    try {
      const timers = await measureTimers(harness, quick ? TIMERS.quick : TIMERS.full);
      const storage = await measureStorage(harness, quick ? COMPLAINTS.quick : COMPLAINTS.full);
      const perTimer = timers['redis_bytes_per_timer'] ?? Number.NaN;
      return {
        name: this.name,
        target: this.target,
        figures: { ...timers, ...storage },
        verdict: verdict(quick, perTimer < TARGET_BYTES_PER_TIMER),
      };
    } finally {
      await harness.stop();
    }
  },
};
