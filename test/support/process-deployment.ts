import { TestTokens } from '@app/auth/testing';
import { loadConfig, type AppConfig, type ServiceName } from '@app/config';
import { Topics, type TopicKey } from '@app/contracts';
import { createDataSource } from '@app/persistence';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { migrateService } from '../../scripts/migrate';
import { removeDeploymentState } from './deployment-cleanup';
import { testKafka, uniqueName } from './infrastructure';
import { startService, type RunningService } from './service-process';

const PORTS: Record<ServiceName, number> = { intake: 13101, workflow: 13102, analytics: 13103 };
const ALL_SERVICES: readonly ServiceName[] = ['intake', 'workflow', 'analytics'];

/** A further instance of a service listens this far above the service's port, times its number. */
const INSTANCE_PORT_STEP = 100;

export interface ProcessDeploymentOptions {
  /** The services to migrate and run, in this order; all three when not given. */
  readonly services?: readonly ServiceName[];
  /** Partitions of each channel topic and of the events topic; 3 when not given. */
  readonly partitions?: number;
}

/**
 * The built services as processes (as `make up` runs them), isolated by a topic prefix, schemas,
 * consumer groups and queues of their own, so a test can SIGKILL one mid-batch and start it again,
 * and a benchmark measures the services with event loops of their own, not sharing its load generator's.
 */
export class ProcessDeployment {
  readonly kafka: Kafka = testKafka();
  readonly admin: Admin = this.kafka.admin();
  readonly running = new Map<ServiceName, RunningService>();
  /** Further instances started with startInstance, in the order they started. */
  private readonly instances: RunningService[] = [];
  private instancesStarted = 0;
  readonly services: readonly ServiceName[];
  private readonly partitions: number;
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

  constructor(extraEnv: Record<string, string> = {}, options: ProcessDeploymentOptions = {}) {
    Object.assign(this.env, extraEnv);
    this.services = options.services ?? ALL_SERVICES;
    this.partitions = options.partitions ?? 3;
  }
  /** Its search path is intake's schema; other services' tables are named with theirs. */
  dataSource!: DataSource;

  schema(service: ServiceName): string {
    return `${this.id}_${service}`;
  }

  /** Workflow's BullMQ queues, for observing or cleaning up its timers and deliveries from outside. */
  get timerQueue(): string {
    return this.env['WORKFLOW_TIMER_QUEUE'] as string;
  }

  get webhookQueue(): string {
    return this.env['WORKFLOW_WEBHOOK_QUEUE'] as string;
  }

  private envOf(service: ServiceName): Record<string, string> {
    return { ...this.env, DB_SCHEMA: this.schema(service) };
  }

  /** The configuration a service's process reads from the environment it is given. */
  config(service: ServiceName): AppConfig {
    return loadConfig(service, { ...process.env, ...this.envOf(service) });
  }

  url(service: ServiceName): string {
    return `http://127.0.0.1:${PORTS[service]}`;
  }

  /**
   * Topics, the services' schemas and a connection to the database, but no service yet: a caller can
   * put rows in place that a service is to find when it starts.
   */
  async prepare(): Promise<this> {
    await this.admin.connect();
    const keys: TopicKey[] = ['hotline', 'email', 'instore', 'events', 'deadLetter'];
    this.topics = Object.fromEntries(keys.map((key) => [key, `${this.id}.${Topics[key].name}`])) as Record<TopicKey, string>;
    await this.admin.createTopics({
      topics: keys.map((key) => ({ topic: this.topics[key], numPartitions: key === 'deadLetter' ? 1 : this.partitions, replicationFactor: 1 })),
      waitForLeaders: true,
    });
    const config = this.config('intake');
    this.tokens = new TestTokens(config);
    this.dataSource = createDataSource({ url: config.database.url, schema: this.schema('intake'), poolSize: 4 });
    await this.dataSource.initialize();
    for (const service of this.services) await migrateService(service, { ...process.env, ...this.envOf(service) });
    return this;
  }

  async start(): Promise<this> {
    await this.prepare();
    for (const service of this.services) await this.startService(service);
    return this;
  }

  async startService(service: ServiceName): Promise<void> {
    this.running.set(service, await startService(service, PORTS[service], this.envOf(service)));
  }

  /** Another process of a service, in the same consumer groups, schema and queues, on a port of its own. */
  async startInstance(service: ServiceName): Promise<RunningService> {
    // Numbered before the start is awaited, so instances started together get ports of their own.
    const port = PORTS[service] + INSTANCE_PORT_STEP * (this.instancesStarted += 1);
    const instance = await startService(service, port, this.envOf(service));
    this.instances.push(instance);
    return instance;
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

  /** Also after a start that failed part way: whatever was started is stopped, whatever was made is removed. */
  async stop(): Promise<void> {
    try {
      await Promise.all([...this.running.values(), ...this.instances].map((service) => service.stop()));
      this.running.clear();
      this.instances.length = 0;
      const dataSource = this.dataSource?.isInitialized === true ? this.dataSource : null;
      try {
        const schemas = this.services.map((service) => this.schema(service));
        await removeDeploymentState(dataSource, schemas, loadConfig('workflow', process.env).redis.url, [this.timerQueue, this.webhookQueue]);
      } finally {
        await dataSource?.destroy();
      }
      if (this.topics !== undefined) await this.admin.deleteTopics({ topics: Object.values(this.topics) }).catch(() => undefined);
    } finally {
      // Also when a step above failed (after a fault, say): an open broker connection keeps jest from exiting.
      await this.admin.disconnect();
    }
  }
}
