import { Logger } from '@nestjs/common';
import { decodeEvent, type AnyEvent } from '@app/contracts';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import type { ProjectionStore } from '../projection/projection-store';
import { Projector } from '../projection/projector';

export type RecomputeState = 'replaying' | 'catching_up' | 'swapping' | 'done' | 'failed';

export interface RecomputeProgress {
  readonly id: string;
  readonly state: RecomputeState;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly eventsDone: number;
  readonly eventsTotal: number;
  /** Messages that were not valid events (the live consumer dead-lettered them). */
  readonly eventsSkipped: number;
  readonly eventsPerSecond: number;
  readonly secondsLeft: number | null;
  readonly error: string | null;
}

export class RecomputeRunningError extends Error {
  constructor() {
    super('a recompute is already running');
  }
}

interface RunRow {
  id: string;
  state: RecomputeState;
  started_by: string;
  started_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  events_done: string;
  events_total: string;
  events_skipped: string;
  error: string | null;
}

export function progressOf(row: RunRow, now: Date = new Date()): RecomputeProgress {
  const done = Number(row.events_done);
  const total = Math.max(done, Number(row.events_total));
  const end = row.finished_at ?? now;
  const seconds = Math.max(0.001, (end.getTime() - row.started_at.getTime()) / 1000);
  const rate = done / seconds;
  const running = row.finished_at === null;
  return {
    id: row.id,
    state: row.state,
    startedBy: row.started_by,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    eventsDone: done,
    eventsTotal: total,
    eventsSkipped: Number(row.events_skipped),
    eventsPerSecond: Math.round(rate * 10) / 10,
    secondsLeft: running ? (rate > 0 ? Math.ceil((total - done) / rate) : null) : 0,
    error: row.error,
  };
}

type Offsets = Map<number, { readonly low: bigint; readonly high: bigint }>;

async function endOffsets(admin: Admin, topic: string): Promise<Offsets> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((entry) => [entry.partition, { low: BigInt(entry.low), high: BigInt(entry.high) }]));
}

function span(offsets: Offsets): number {
  let total = 0n;
  for (const { low, high } of offsets.values()) total += high > low ? high - low : 0n;
  return Number(total);
}

const PROGRESS_WRITE_MS = 1000;
const POLL_MS = 50;
const FETCH_BYTES_PER_PARTITION = 4 * 1024 * 1024;

export interface RebuilderOptions {
  readonly dataSource: DataSource;
  readonly store: ProjectionStore;
  readonly kafka: Kafka;
  readonly topic: string;
  readonly groupPrefix: string;
  readonly serviceSchema: string;
  /**
   * Partitions replayed at once: one is decoded while another's batch is written. Events are keyed by
   * the complaint or customer they concern, so partitions write disjoint rows of the projection.
   */
  readonly partitionsConcurrency?: number;
}

/**
 * Recomputes the projection: replays the events topic from the beginning with a fresh consumer group
 * into the shadow schema while the live projection goes on serving and updating; then stops the live
 * writers for a moment, lets the shadow catch up to the topic's end, swaps the two schemas and lets
 * the writers go on. Events the live consumer then meets again are in the new projection's ledger.
 */
export class ProjectionRebuilder {
  private readonly logger = new Logger(ProjectionRebuilder.name);
  private stopping = false;

  constructor(private readonly options: RebuilderOptions) {}

  /** Makes a run in progress give up (at shutdown); the live projection is untouched. */
  stop(): void {
    this.stopping = true;
  }

  async latest(): Promise<RecomputeProgress | null> {
    const [row] = (await this.options.dataSource.query('SELECT * FROM recompute_runs ORDER BY started_at DESC LIMIT 1')) as RunRow[];
    return row === undefined ? null : progressOf(row);
  }

  /**
   * Runs a whole recompute and resolves when it is done (or rejects when it failed). `started` is called
   * once the run is registered, `progress` as it advances. Only one run at a time, across processes.
   */
  async run(startedBy: string, hooks: { started?: (id: string) => void; progress?: (progress: RecomputeProgress) => void } = {}): Promise<RecomputeProgress> {
    const { dataSource, store, kafka, topic } = this.options;
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    const lockName = `analytics-recompute:${this.options.serviceSchema}`;
    const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [lockName])) as [{ locked: boolean }];
    if (!locked) {
      await runner.release();
      throw new RecomputeRunningError();
    }
    const id = randomUUID();
    const groupId = `${this.options.groupPrefix}.analytics.recompute-${id}`;
    const counters = { done: 0, total: 0, skipped: 0, state: 'replaying' as RecomputeState, lastWrite: 0 };
    const startedAt = new Date();
    await dataSource.query(`INSERT INTO recompute_runs (id, state, started_by, started_at, updated_at) VALUES ($1, 'replaying', $2, $3, $3)`, [
      id,
      startedBy,
      startedAt,
    ]);
    hooks.started?.(id);
    const report = async (force = false) => {
      const now = Date.now();
      if (force || now - counters.lastWrite >= PROGRESS_WRITE_MS) {
        counters.lastWrite = now;
        await dataSource.query(
          'UPDATE recompute_runs SET state = $2, events_done = $3, events_total = $4, events_skipped = $5, updated_at = now() WHERE id = $1',
          [id, counters.state, counters.done, counters.total, counters.skipped],
        );
      }
      hooks.progress?.(
        progressOf({
          id,
          state: counters.state,
          started_by: startedBy,
          started_at: startedAt,
          updated_at: new Date(now),
          finished_at: null,
          events_done: String(counters.done),
          events_total: String(counters.total),
          events_skipped: String(counters.skipped),
          error: null,
        }),
      );
    };

    const admin = kafka.admin();
    let consumer: Consumer | null = null;
    try {
      await admin.connect();
      // Unlogged while it replays: the shadow's rows are written once more, in bulk, when made durable.
      await store.create(runner, store.schemas.shadow, { unlogged: true });
      const first = await endOffsets(admin, topic);
      counters.total = span(first);
      const reached = new Map<number, bigint>();
      const failure: { error: Error | null } = { error: null };
      consumer = await this.replay(groupId, reached, counters, failure, report);

      await this.waitFor(first, reached, failure);
      counters.state = 'catching_up';
      await report(true);
      // Durable before the live writers stop: the replay goes on behind it, and the swap waits for nothing.
      await store.makeDurable(runner, store.schemas.shadow);
      await store.lockWriters(runner);
      try {
        const last = await endOffsets(admin, topic);
        counters.total += span(last) - span(first);
        await this.waitFor(last, reached, failure);
        // Nothing may write to the shadow once it is renamed: the replay ends before the swap.
        await consumer.disconnect();
        consumer = null;
        counters.state = 'swapping';
        await report(true);
        await store.swap(runner);
      } finally {
        await store.unlockWriters(runner);
      }
      counters.state = 'done';
      await dataSource.query(
        `UPDATE recompute_runs SET state = 'done', events_done = $2, events_total = $3, events_skipped = $4, updated_at = now(), finished_at = now() WHERE id = $1`,
        [id, counters.done, counters.total, counters.skipped],
      );
      this.logger.log({ msg: 'analytics projection recomputed and swapped in', run: id, events: counters.done, skipped: counters.skipped });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error({ msg: 'analytics recompute failed; the live projection is unchanged', run: id, error: message });
      await dataSource
        .query(`UPDATE recompute_runs SET state = 'failed', error = $2, updated_at = now(), finished_at = now() WHERE id = $1`, [id, message])
        .catch(() => undefined);
      await runner.query(`DROP SCHEMA IF EXISTS "${store.schemas.shadow}" CASCADE`).catch(() => undefined);
    } finally {
      await consumer?.disconnect().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName]).catch(() => undefined);
      await runner.release();
    }
    const [row] = (await dataSource.query('SELECT * FROM recompute_runs WHERE id = $1', [id])) as RunRow[];
    const progress = progressOf(row as RunRow);
    hooks.progress?.(progress);
    return progress;
  }

  private async replay(
    groupId: string,
    reached: Map<number, bigint>,
    counters: { done: number; skipped: number },
    failure: { error: Error | null },
    report: () => Promise<void>,
  ): Promise<Consumer> {
    const { dataSource, kafka, topic, store } = this.options;
    const projector = new Projector(store.schemas.shadow);
    // Larger fetches than kafkajs's 1 MB per partition: a batch's statements cost about the same for a
    // few thousand events as for a thousand, so a replay's backlog goes in fewer of them.
    const consumer = kafka.consumer({
      groupId,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: FETCH_BYTES_PER_PARTITION,
      maxBytes: 4 * FETCH_BYTES_PER_PARTITION,
      allowAutoTopicCreation: false,
    });
    consumer.on(consumer.events.CRASH, (event) => {
      failure.error = event.payload.error;
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConcurrency ?? 1,
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const events: AnyEvent[] = [];
        for (const message of batch.messages) {
          const decoded = decodeEvent(message.value);
          if (decoded.ok) events.push(decoded.value);
          else counters.skipped += 1;
        }
        // The whole fetched batch in one transaction and a few set-wise statements: the ledger and every
        // upsert are the live consumer's, so an event still applies once however the batches fall.
        await dataSource.transaction((manager) => projector.applyAll(manager, events));
        const last = batch.messages[batch.messages.length - 1];
        if (last !== undefined) {
          resolveOffset(last.offset);
          reached.set(batch.partition, BigInt(last.offset) + 1n);
        }
        counters.done += batch.messages.length;
        await heartbeat();
        await report();
      },
    });
    return consumer;
  }

  /** Resolves once every partition has been read up to `targets`. */
  private async waitFor(targets: Offsets, reached: Map<number, bigint>, failure: { error: Error | null }): Promise<void> {
    for (;;) {
      if (failure.error !== null) throw failure.error;
      if (this.stopping) throw new Error('stopped: the service is shutting down');
      const behind = [...targets].some(([partition, { low, high }]) => high > low && (reached.get(partition) ?? low) < high);
      if (!behind) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
