import { TestTokens } from '@app/auth/testing';
import { loadConfig, type ServiceName } from '@app/config';
import { Topics, type TopicKey } from '@app/contracts';
import { createDataSource, dropSchema } from '@app/persistence';
import { testKafka, uniqueName } from '@app/testing/infrastructure';
import { startService, type RunningService } from '@app/testing/service-process';
import { Queue } from 'bullmq';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { migrateService } from '../../../scripts/migrate';
import { connectionFor } from '../../../apps/workflow/src/timers/timer-queue.service';

const PORTS: Record<ServiceName, number> = { intake: 13101, workflow: 13102, analytics: 13103 };

/**
 * The three built services as processes (as `make up` runs them), isolated by a topic prefix, schemas,
 * consumer groups and queues of their own, so a test can SIGKILL one mid-batch and start it again.
 */
export class ProcessDeployment {
  readonly kafka: Kafka = testKafka();
  readonly admin: Admin = this.kafka.admin();
  readonly running = new Map<ServiceName, RunningService>();
  private readonly id = uniqueName('p').toLowerCase();
  readonly env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    KAFKA_TOPIC_PREFIX: `${this.id}.`,
    KAFKA_GROUP_PREFIX: this.id,
    WORKFLOW_TIMER_QUEUE: `${this.id}-timers`,
    WORKFLOW_WEBHOOK_QUEUE: `${this.id}-webhooks`,
    OUTBOX_POLL_MS: '100',
  };
  topics!: Record<TopicKey, string>;
  tokens!: TestTokens;

  constructor(extraEnv: Record<string, string> = {}) {
    Object.assign(this.env, extraEnv);
  }
  dataSource!: DataSource;

  schema(service: ServiceName): string {
    return `${this.id}_${service}`;
  }

  private envOf(service: ServiceName): Record<string, string> {
    return { ...this.env, DB_SCHEMA: this.schema(service) };
  }

  url(service: ServiceName): string {
    return `http://127.0.0.1:${PORTS[service]}`;
  }

  async start(): Promise<this> {
    await this.admin.connect();
    const keys: TopicKey[] = ['hotline', 'email', 'instore', 'events', 'deadLetter'];
    this.topics = Object.fromEntries(keys.map((key) => [key, `${this.id}.${Topics[key].name}`])) as Record<TopicKey, string>;
    await this.admin.createTopics({
      topics: keys.map((key) => ({ topic: this.topics[key], numPartitions: key === 'deadLetter' ? 1 : 3, replicationFactor: 1 })),
      waitForLeaders: true,
    });
    const config = loadConfig('intake', { ...process.env, ...this.envOf('intake') });
    this.tokens = new TestTokens(config);
    this.dataSource = createDataSource({ url: config.database.url, schema: this.schema('intake'), poolSize: 4 });
    await this.dataSource.initialize();
    for (const service of ['intake', 'workflow', 'analytics'] as const) {
      await migrateService(service, { ...process.env, ...this.envOf(service) });
      await this.startService(service);
    }
    return this;
  }

  async startService(service: ServiceName): Promise<void> {
    this.running.set(service, await startService(service, PORTS[service], this.envOf(service)));
  }

  /** SIGKILL: no shutdown hook runs, nothing in flight is finished or committed. */
  async kill(service: ServiceName): Promise<void> {
    const running = this.running.get(service);
    if (running === undefined) return;
    const exited = new Promise((resolve) => running.process.once('exit', resolve));
    running.process.kill('SIGKILL');
    await exited;
    this.running.delete(service);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((service) => service.stop()));
    for (const service of ['intake', 'workflow', 'analytics'] as const) {
      await dropSchema(this.dataSource, this.schema(service));
      for (const suffix of ['_projection', '_projection_shadow']) await this.dataSource.query(`DROP SCHEMA IF EXISTS "${this.schema(service)}${suffix}" CASCADE`);
    }
    await this.dataSource.destroy();
    const redisUrl = loadConfig('workflow', process.env).redis.url;
    for (const name of [this.env['WORKFLOW_TIMER_QUEUE'], this.env['WORKFLOW_WEBHOOK_QUEUE']] as string[]) {
      const queue = new Queue(name, { connection: connectionFor(redisUrl, false) });
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
    await this.admin.deleteTopics({ topics: Object.values(this.topics) }).catch(() => undefined);
    await this.admin.disconnect();
  }
}
