import { DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { APP_CONFIG, ConfigModule, type AppConfig } from '@app/config';
import { KAFKA_CLIENT, MessagingModule, type TopicNames } from '@app/messaging';
import { PersistenceModule, type PersistenceModuleOptions } from '@app/persistence';
import IORedis, { type Redis } from 'ioredis';
import type { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { HealthModule } from '../health/health.module';
import { kafkaCheck, postgresCheck, redisCheck } from '../health/readiness-checks';
import { ReadinessRegistry } from '../health/readiness.registry';
import { LoggingModule } from '../logging/logging.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RateLimitModule } from './rate-limit.module';

/** The service's shared Redis connection (BullMQ opens its own, with the settings workers need). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

@Injectable()
class InfrastructureReadiness implements OnModuleInit, OnApplicationShutdown {
  private admin: Admin | null = null;

  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly dataSource: DataSource,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
  ) {}

  onModuleInit(): void {
    const admin = this.kafka.admin();
    this.admin = admin;
    let connecting: Promise<void> | null = null;
    const kafkaReady = kafkaCheck(admin);
    this.readiness.register('postgres', postgresCheck(this.dataSource));
    this.readiness.register('redis', redisCheck(this.redis));
    this.readiness.register('kafka', async () => {
      // Connect lazily, so a broker that is down at start makes the service unready, not dead.
      connecting ??= admin.connect().catch((error: unknown) => {
        connecting = null;
        throw error;
      });
      await connecting;
      await kafkaReady();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    this.redis.disconnect();
  }
}

export interface ServiceCoreOptions {
  readonly persistence?: PersistenceModuleOptions;
  readonly outboxRelay?: boolean;
  readonly topics?: Partial<TopicNames>;
}

/**
 * Everything a service stands on: validated configuration, masked structured logs, metrics, health
 * and readiness (PostgreSQL, Redis, Kafka), a rate limit per client, JWT authentication with roles,
 * the database, Kafka messaging with the outbox relay, and Redis.
 */
@Global()
@Module({})
export class ServiceCoreModule {
  static forRoot(config: AppConfig, options: ServiceCoreOptions = {}): DynamicModule {
    return {
      module: ServiceCoreModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(),
        MetricsModule.forRoot(),
        HealthModule.forRoot(),
        // Before AuthModule: its guard then runs first, so requests refused for their token count too.
        RateLimitModule.forRoot(),
        AuthModule.forRoot(),
        PersistenceModule.forRoot(options.persistence),
        MessagingModule.forRoot({ outboxRelay: options.outboxRelay ?? true, topics: options.topics }),
      ],
      providers: [
        {
          provide: REDIS_CLIENT,
          inject: [APP_CONFIG],
          useFactory: (appConfig: AppConfig) =>
            new IORedis(appConfig.redis.url, { lazyConnect: false, maxRetriesPerRequest: 3, enableOfflineQueue: true }),
        },
        InfrastructureReadiness,
      ],
      exports: [REDIS_CLIENT],
    };
  }
}
