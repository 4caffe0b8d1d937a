import { createDataSource } from '@app/persistence';
import { uniqueName } from '@app/testing/infrastructure';
import type { Kafka } from 'kafkajs';
import { timedConsumption, type Consumption } from './raw-consumption';

/**
 * A kafkajs consumer that does the least any durable intake must: each fetched batch is written to
 * PostgreSQL in one multi-row INSERT (the message bytes, nothing parsed) and committed before its
 * offsets are. Not a target's baseline; it shows how much of the gap to a no-op consumer is the
 * database write alone.
 */
export async function durableConsumption(
  kafka: Kafka,
  database: { readonly url: string; readonly schema: string },
  topics: readonly string[],
  total: number,
  concurrency: number,
  timeoutMs: number,
): Promise<Consumption> {
  const dataSource = createDataSource({ url: database.url, schema: database.schema, poolSize: Math.max(2, concurrency) });
  await dataSource.initialize();
  const table = uniqueName('bench_durable').toLowerCase();
  try {
    await dataSource.query(
      `CREATE TABLE "${table}" (topic text NOT NULL, partition int NOT NULL, "offset" bigint NOT NULL, value bytea, PRIMARY KEY (topic, partition, "offset"))`,
    );
    return await timedConsumption(kafka, topics, total, { concurrency, timeoutMs, prefix: 'bench-durable' }, (clock) => ({
      eachBatch: async ({ batch, heartbeat }) => {
        if (batch.messages.length === 0) return;
        clock.begin();
        await dataSource.query(
          `INSERT INTO "${table}" (topic, partition, "offset", value)
           SELECT $1, $2, * FROM unnest($3::bigint[], $4::bytea[]) ON CONFLICT DO NOTHING`,
          [batch.topic, batch.partition, batch.messages.map((message) => message.offset), batch.messages.map((message) => message.value)],
        );
        clock.done(batch.messages.length);
        await heartbeat();
      },
    }));
  } finally {
    await dataSource.query(`DROP TABLE IF EXISTS "${table}"`);
    await dataSource.destroy();
  }
}
