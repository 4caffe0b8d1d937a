import { uniqueName } from '@app/testing/infrastructure';
import type { Kafka } from 'kafkajs';
import { pollUntil } from './poll';

export interface PublishedEvents {
  /** Records on the topic (every partition's high watermark). */
  readonly count: number;
  /** The latest record's timestamp (CreateTime: when its producer sent it), epoch ms; null if none. */
  readonly lastAt: number | null;
}

/**
 * What has been published to `topic`: how many records, and when the last of them was sent. The relay
 * deletes what it has sent, so the topic, not the outbox, tells when publishing ended. Reads only each
 * partition's last record, with a group of its own that it deletes afterwards.
 */
export async function publishedEvents(kafka: Kafka, topic: string, timeoutMs = 30_000): Promise<PublishedEvents> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = uniqueName('bench-last-record');
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const count = offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
    const lastOffsets = new Map(offsets.filter((partition) => Number(partition.high) > Number(partition.low)).map((p) => [p.partition, String(Number(p.high) - 1)]));
    if (lastOffsets.size === 0) return { count, lastAt: null };
    const lastAt = new Map<number, number>();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (lastOffsets.get(partition) === message.offset) lastAt.set(partition, Number(message.timestamp));
      },
    });
    for (const [partition, offset] of lastOffsets) consumer.seek({ topic, partition, offset });
    const read = await pollUntil(async () => lastAt.size === lastOffsets.size, { timeoutMs, intervalMs: 50 });
    if (!read) throw new Error(`could not read the last records of ${topic} within ${timeoutMs} ms`);
    return { count, lastAt: Math.max(...lastAt.values()) };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
