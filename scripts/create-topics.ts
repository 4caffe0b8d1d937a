/**
 * Creates every topic of libs/contracts/src/topics.ts that is missing, and aligns the configuration
 * of those that exist. Idempotent: run by `make up`, `make test` and the compose stack.
 */
import { ALL_TOPICS, topicConfig, type TopicSpec } from '@app/contracts';
import { loadConfig } from '@app/config';
import { Kafka, logLevel, ConfigResourceTypes, type Admin } from 'kafkajs';

export async function ensureTopics(admin: Admin, specs: readonly TopicSpec[] = ALL_TOPICS, replicationFactor = 1): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.name,
        numPartitions: spec.partitions,
        replicationFactor,
        configEntries: Object.entries(topicConfig(spec)).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  const present = specs.filter((spec) => existing.has(spec.name));
  if (present.length > 0) {
    await admin.alterConfigs({
      validateOnly: false,
      resources: present.map((spec) => ({
        type: ConfigResourceTypes.TOPIC,
        name: spec.name,
        configEntries: Object.entries(topicConfig(spec)).map(([name, value]) => ({ name, value })),
      })),
    });
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((spec) => spec.name) });
    const grow = present.filter((spec) => {
      const found = metadata.topics.find((topic) => topic.name === spec.name);
      return found !== undefined && found.partitions.length < spec.partitions;
    });
    if (grow.length > 0) await admin.createPartitions({ topicPartitions: grow.map((spec) => ({ topic: spec.name, count: spec.partitions })) });
  }
  return missing.map((spec) => spec.name);
}

async function main(): Promise<void> {
  const config = loadConfig('intake');
  const admin = new Kafka({ clientId: 'create-topics', brokers: [...config.kafka.brokers], logLevel: logLevel.WARN }).admin();
  await admin.connect();
  try {
    const created = await ensureTopics(admin);
    process.stdout.write(
      `topics: ${ALL_TOPICS.map((spec) => `${spec.name}${created.includes(spec.name) ? ' (created)' : ''}`).join(', ')}\n`,
    );
  } finally {
    await admin.disconnect();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`create-topics failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
