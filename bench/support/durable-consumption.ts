import { uniqueName } from '@app/testing/infrastructure';
import type { Kafka } from 'kafkajs';
import { createDataSource } from '@app/persistence';
import { pollUntil } from './poll';
import type { Consumption } from './raw-consumption';

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
  const groupId = uniqueName('bench-durable');
  await dataSource.query(`CREATE TABLE "${table}" (topic text NOT NULL, partition int NOT NULL, "offset" bigint NOT NULL, value bytea, PRIMARY KEY (topic, partition, "offset"))`);
  const consumer = kafka.consumer({ groupId });
  let read = 0;
  let firstAt = 0;
  let lastAt = 0;
  const started = Date.now();
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: concurrency,
      eachBatch: async ({ batch, heartbeat }) => {
        if (batch.messages.length === 0) return;
        if (read === 0) firstAt = Date.now();
        await dataSource.query(
          `INSERT INTO "${table}" (topic, partition, "offset", value)
           SELECT $1, $2, * FROM unnest($3::bigint[], $4::bytea[]) ON CONFLICT DO NOTHING`,
          [batch.topic, batch.partition, batch.messages.map((message) => message.offset), batch.messages.map((message) => message.value)],
        );
        read += batch.messages.length;
        lastAt = Date.now();
        await heartbeat();
      },
    });
    await pollUntil(async () => read >= total, { timeoutMs, intervalMs: 20 });
  } finally {
    await consumer.disconnect();
    await dataSource.query(`DROP TABLE IF EXISTS "${table}"`);
    await dataSource.destroy();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  return { wallMs: lastAt - started, steadyMs: Math.max(1, lastAt - firstAt), read };
}
