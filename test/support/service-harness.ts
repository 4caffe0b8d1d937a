import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { TestTokens } from '@app/auth/testing';
import { loadConfig, type AppConfig, type ServiceName } from '@app/config';
import type { TopicKey } from '@app/contracts';
import { configureApp, LOG_DESTINATION } from '@app/platform';
import type { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { AnalyticsModule } from '../../apps/analytics/src/analytics.module';
import { ProjectionStore } from '../../apps/analytics/src/projection/projection-store';
import { IntakeModule } from '../../apps/intake/src/intake.module';
import { WorkflowModule } from '../../apps/workflow/src/workflow.module';
import { removeDeploymentState } from './deployment-cleanup';
import { createTestTopics, testKafka, uniqueName } from './infrastructure';

export interface HarnessOptions {
  /** Extra environment for every service (e.g. short SLA targets). */
  readonly env?: Record<string, string>;
  readonly services?: readonly ServiceName[];
  readonly partitions?: number;
  /** Where the services' log lines go instead of stdout (the platform's LOG_DESTINATION). */
  readonly logDestination?: unknown;
}

/**
 * The three services in this process, on the real Kafka, PostgreSQL and Redis, with topics, database
 * schemas, consumer groups and timer queues of their own, so a test owns everything it observes.
 * Services can be stopped and started again (a crash-and-restart is a close and a start).
 */
export class ServiceHarness {
  readonly kafka: Kafka = testKafka();
  readonly admin: Admin = this.kafka.admin();
  topics!: Record<TopicKey, string>;
  readonly apps = new Map<ServiceName, INestApplication>();
  readonly configs = new Map<ServiceName, AppConfig>();
  readonly timerQueue = uniqueName('timers');
  readonly webhookQueue = uniqueName('webhooks');
  private readonly groupPrefix = uniqueName('h');
  tokens!: TestTokens;

  constructor(private readonly options: HarnessOptions = {}) {}

  async start(): Promise<this> {
    await this.admin.connect();
    const partitions = this.options.partitions ?? 3;
    this.topics = await createTestTopics(this.admin, { channelPartitions: partitions, eventPartitions: partitions });
    for (const service of this.options.services ?? (['intake', 'workflow', 'analytics'] as const)) {
      this.configs.set(
        service,
        loadConfig(service, {
          ...process.env,
          NODE_ENV: 'test',
          LOG_LEVEL: 'error',
          DB_SCHEMA: uniqueName(service).toLowerCase(),
          KAFKA_GROUP_PREFIX: this.groupPrefix,
          OUTBOX_POLL_MS: '100',
          ...this.options.env,
        }),
      );
      await this.startService(service);
    }
    this.tokens = new TestTokens(this.config('intake'));
    return this;
  }

  config(service: ServiceName): AppConfig {
    const config = this.configs.get(service) ?? this.configs.values().next().value;
    if (config === undefined) throw new Error('no service configured');
    return config;
  }

  app(service: ServiceName): INestApplication {
    const app = this.apps.get(service);
    if (app === undefined) throw new Error(`${service} is not running`);
    return app;
  }

  http(service: ServiceName): ReturnType<INestApplication['getHttpServer']> {
    return this.app(service).getHttpServer();
  }

  dataSource(service: ServiceName): DataSource {
    return this.app(service).get(DataSource);
  }

  private module(service: ServiceName, config: AppConfig) {
    const common = { topics: this.topics, migrateOnStart: true };
    switch (service) {
      case 'intake':
        return IntakeModule.forRoot(config, common);
      case 'workflow':
        return WorkflowModule.forRoot(config, { ...common, timerQueueName: this.timerQueue, webhookQueueName: this.webhookQueue });
      case 'analytics':
        return AnalyticsModule.forRoot(config, common);
    }
  }

  async startService(service: ServiceName): Promise<INestApplication> {
    const app = await this.startInstance(service);
    this.apps.set(service, app);
    return app;
  }

  /** Another instance of a service (same groups, schema and queues): the caller closes it. */
  async startInstance(service: ServiceName): Promise<INestApplication> {
    const config = this.config(service);
    const builder = Test.createTestingModule({ imports: [this.module(service, config)] });
    if (this.options.logDestination !== undefined) builder.overrideProvider(LOG_DESTINATION).useValue(this.options.logDestination);
    const moduleRef = await builder.compile();
    const nest = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true });
    configureApp(nest, config);
    return nest.init();
  }

  schemas(): { intake: string; workflow: string; analytics: string } {
    return { intake: this.config('intake').database.schema, workflow: this.config('workflow').database.schema, analytics: this.config('analytics').database.schema };
  }

  async stopService(service: ServiceName): Promise<void> {
    await this.apps.get(service)?.close();
    this.apps.delete(service);
  }

  async stop(): Promise<void> {
    try {
      const projections = this.apps.get('analytics')?.get(ProjectionStore);
      await projections?.dropAll().catch(() => undefined);
      for (const service of [...this.apps.keys()]) await this.stopService(service);
      const dataSource = new DataSource({ type: 'postgres', url: this.config('intake').database.url });
      await dataSource.initialize();
      try {
        const schemas = [...this.configs.values()].map((config) => config.database.schema);
        await removeDeploymentState(dataSource, schemas, this.config('intake').redis.url, [this.timerQueue, this.webhookQueue]);
      } finally {
        await dataSource.destroy();
      }
      await this.admin.deleteTopics({ topics: Object.values(this.topics) }).catch(() => undefined);
    } finally {
      // Also when a step above failed (after a fault, say): an open broker connection keeps jest from exiting.
      await this.admin.disconnect();
    }
  }
}
