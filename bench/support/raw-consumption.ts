import type { Kafka } from 'kafkajs';
import { uniqueName } from '@app/testing/infrastructure';
import { pollUntil } from './poll';

export interface Consumption {
  /** From connecting until the last message: includes joining the group. */
  readonly wallMs: number;
  /** From the first message to the last: the steady rate, without the group join. */
  readonly steadyMs: number;
  readonly read: number;
}

/** A kafkajs consumer that does nothing with the messages: what the broker and the client allow. */
export async function rawConsumption(kafka: Kafka, topics: readonly string[], total: number, concurrency: number, timeoutMs: number): Promise<Consumption> {
  const groupId = uniqueName('bench-raw');
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
      eachMessage: async () => {
        lastAt = Date.now();
        if (read === 0) firstAt = lastAt;
        read += 1;
      },
    });
    await pollUntil(async () => read >= total, { timeoutMs, intervalMs: 20 });
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  return { wallMs: lastAt - started, steadyMs: Math.max(1, lastAt - firstAt), read };
}
