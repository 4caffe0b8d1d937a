import { loadConfig } from '@app/config';
import type { TopicKey } from '@app/contracts';
import { createDataSource, dropSchema, migrate } from '@app/persistence';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Kafka, logLevel, type Admin, type KafkaMessage } from 'kafkajs';
import type { DataSource } from 'typeorm';

/** Connection settings of the local stack (or of whatever the environment points at). */
export const testConfig = loadConfig('intake', { ...process.env, NODE_ENV: 'test' });

export const REPO_ROOT = path.resolve(__dirname, '../..');

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export function testKafka(clientId = uniqueName('test')): Kafka {
  return new Kafka({
    clientId,
    brokers: [...testConfig.kafka.brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 200 },
  });
}

const LEADERS_TIMEOUT_MS = 30_000;

/**
 * Waits until every partition of a new topic has a leader. kafkajs's own wait (waitForLeaders) gives up
 * on the first "does not host this topic-partition", which a busy broker answers while the new topic's
 * metadata is still spreading; that answer is retriable, so it is retried here.
 */
async function leadersElected(admin: Admin, topic: string, partitions: number): Promise<void> {
  const deadline = Date.now() + LEADERS_TIMEOUT_MS;
  for (;;) {
    try {
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      if (metadata?.partitions.length === partitions && metadata.partitions.every((partition) => partition.leader >= 0)) return;
    } catch (error) {
      if ((error as { retriable?: boolean }).retriable !== true) throw error;
    }
    if (Date.now() >= deadline) throw new Error(`topic ${topic} has no leader for every partition after ${LEADERS_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A topic of the test's own, deleted by the returned cleanup. */
export async function createTestTopic(admin: Admin, prefix: string, partitions = 3): Promise<string> {
  const topic = uniqueName(`test.${prefix}`).replace(/_/g, '-');
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: false });
  await leadersElected(admin, topic, partitions);
  return topic;
}

/**
 * The five topics a service uses, each of the test's own: channel topics with `channelPartitions`, the
 * events topic with `eventPartitions`, the dead-letter topic with one. Delete them in afterAll.
 */
export async function createTestTopics(
  admin: Admin,
  { channelPartitions = 3, eventPartitions = 3 }: { channelPartitions?: number; eventPartitions?: number } = {},
): Promise<Record<TopicKey, string>> {
  return {
    hotline: await createTestTopic(admin, 'hotline', channelPartitions),
    email: await createTestTopic(admin, 'email', channelPartitions),
    instore: await createTestTopic(admin, 'instore', channelPartitions),
    events: await createTestTopic(admin, 'events', eventPartitions),
    deadLetter: await createTestTopic(admin, 'dead-letter', 1),
  };
}

/** A database schema of the test's own with the given migrations applied; dropped by `drop`. */
export async function createTestDatabase(migrations: Function[]): Promise<{ dataSource: DataSource; schema: string; drop: () => Promise<void> }> {
  const schema = uniqueName('t').toLowerCase();
  const dataSource = createDataSource({ url: testConfig.database.url, schema, poolSize: 5, migrations });
  await dataSource.initialize();
  await migrate(dataSource);
  return {
    dataSource,
    schema,
    drop: async () => {
      await dropSchema(dataSource, schema);
      await dataSource.destroy();
    },
  };
}

/** Reads a topic from the beginning with a fresh group until `count` messages arrived. */
export async function readMessages(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<Array<KafkaMessage & { partition: number }>> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 250 });
  const received: Array<KafkaMessage & { partition: number }> = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${received.length} of ${count} messages arrived on ${topic} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          received.push({ ...message, partition });
          if (received.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

/** Runs the project's Kafka control script (stop, start, kill, freeze, thaw) for fault injection. */
export function kafkaControl(action: 'start' | 'stop' | 'kill' | 'freeze' | 'thaw'): void {
  execFileSync('bash', [path.join(REPO_ROOT, 'stack/kafka.sh'), action], { stdio: 'inherit' });
}
