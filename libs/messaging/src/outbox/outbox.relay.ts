import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { backoffDelay } from '../consumer/backoff';
import { describeError } from '../consumer/errors';
import type { KafkaProducer, OutgoingMessage } from '../producer/kafka-producer';

export interface OutboxRelayOptions {
  readonly pollMs: number;
  readonly batchSize: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: string;
  headers: Record<string, string>;
}

/** Groups rows by topic, keeping each topic's rows in outbox order (so each key's order survives). */
export function toTopicBatches(rows: readonly OutboxRow[]): Array<{ topic: string; messages: OutgoingMessage[] }> {
  const byTopic = new Map<string, OutgoingMessage[]>();
  for (const row of rows) {
    const messages = byTopic.get(row.topic) ?? [];
    messages.push({ key: row.message_key, value: row.payload, headers: row.headers });
    byTopic.set(row.topic, messages);
  }
  return [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * Publishes the outbox to Kafka in id order and deletes the rows sent (the topic keeps the events).
 *
 * Each round runs in one transaction that takes a transaction-level advisory lock named after the
 * schema: of several relay instances exactly one publishes at a time, so no row is published twice in
 * normal operation. The round deletes its rows, publishes them, and commits once Kafka acknowledged
 * them; a relay killed before the commit leaves them in place, and they are published again
 * (at-least-once, absorbed by idempotent consumers); so the commit need not wait for the disk either.
 * Deleting costs the database less than marking: no new row version, no index entries. A transaction
 * that wrote rows and rolled back leaves nothing. The relay wakes on the outbox trigger's NOTIFY and
 * polls as a fallback.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly schema: string;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** A NOTIFY arrived since the last round began: rows may be waiting, so the next round runs at once. */
  private notified = false;
  private listener: Client | null = null;
  /**
   * Runs after Kafka acknowledged a batch and before its rows are deleted: the moment a crash leaves
   * published rows in the outbox. Fault-injection tests set it; it runs in the round's transaction
   * (`manager`), and a throw rolls the deletion back.
   */
  afterPublish: ((rows: number, manager: EntityManager) => Promise<void>) | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: KafkaProducer,
    private readonly options: OutboxRelayOptions,
  ) {
    this.schema = (dataSource.options as PostgresConnectionOptions).schema ?? 'public';
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.listen();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }

  /** Publishes until the outbox is empty (or another instance holds the lock); returns rows published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      total += published;
      if (published < this.options.batchSize) return total;
    }
  }

  /** One round: at most batchSize rows. Returns how many rows this instance published. */
  async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // One statement asks for the lock (once, an InitPlan: while another instance holds it, no rows),
      // picks the oldest rows and deletes them. The statement's view of the outbox may predate the commit
      // of the round that just released the lock; deleting, PostgreSQL checks each row again and returns
      // only those it deleted, never one that round already published and deleted.
      // The same InitPlan lets this transaction commit without waiting for the disk: a deletion lost in
      // a database crash only publishes its rows again, which at-least-once delivery already allows.
      const rows = (await manager.query(
        `WITH taken AS (
           DELETE FROM outbox WHERE id IN (
             SELECT id FROM outbox
             WHERE (SELECT pg_try_advisory_xact_lock(hashtext($1)) AND set_config('synchronous_commit', 'off', true) = 'off')
             ORDER BY id LIMIT $2)
           RETURNING id, topic, message_key, payload, headers)
         SELECT * FROM taken ORDER BY id`,
        [`outbox:${this.schema}`, this.options.batchSize],
      )) as OutboxRow[];
      if (rows.length === 0) return 0;
      // Published before the deletion commits: a failure here rolls it back, and the rows go out again.
      await this.producer.sendBatch(toTopicBatches(rows));
      await this.afterPublish?.(rows.length, manager);
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        this.notified = false;
        const published = await this.publishBatch();
        failures = 0;
        if (published >= this.options.batchSize) continue;
        await this.sleep(this.options.pollMs);
      } catch (error) {
        failures += 1;
        this.logger.warn({ msg: 'outbox publish failed; retrying', attempt: failures, error: describeError(error) });
        await this.sleep(backoffDelay(failures, { initialMs: 200, maxMs: 10_000, multiplier: 2 }), true);
      }
    }
  }

  /**
   * Waits for the poll interval, a NOTIFY or stop; after a failure, `backingOff` ignores earlier NOTIFYs.
   * A stop that came during the round ends the wait before it starts.
   */
  private sleep(ms: number, backingOff = false): Promise<void> {
    if (!this.running || (this.notified && !backingOff)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  /** A dedicated connection LISTENs for the outbox trigger; polling covers any gap while it reconnects. */
  private async listen(): Promise<void> {
    while (this.running && this.listener === null) {
      const options = this.dataSource.options as PostgresConnectionOptions;
      const client = new Client({ connectionString: options.url });
      try {
        client.on('notification', () => {
          this.notified = true;
          this.wake?.();
        });
        client.on('error', (error) => {
          this.logger.warn({ msg: 'outbox listener lost; polling until it reconnects', error: describeError(error) });
          if (this.listener === client) this.listener = null;
          void client.end().catch(() => undefined);
          if (this.running) setTimeout(() => void this.listen(), 1000);
        });
        await client.connect();
        await client.query(`LISTEN "outbox_${this.schema}"`);
        if (!this.running) {
          await client.end();
          return;
        }
        this.listener = client;
      } catch (error) {
        await client.end().catch(() => undefined);
        this.logger.warn({ msg: 'outbox listener could not connect; polling', error: describeError(error) });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }
}
