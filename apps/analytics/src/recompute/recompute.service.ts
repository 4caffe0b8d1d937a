import { ConflictException, Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { KAFKA_CLIENT, TOPIC_NAMES, type TopicNames } from '@app/messaging';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ProjectionStore } from '../projection/projection-store';
import { ProjectionRebuilder, RecomputeRunningError, type RecomputeProgress } from './projection-rebuilder';

/** Starts recomputes in the background (API, or at start when the projection had to be created empty). */
@Injectable()
export class RecomputeService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RecomputeService.name);
  readonly rebuilder: ProjectionRebuilder;
  private running: Promise<RecomputeProgress> | null = null;

  constructor(
    dataSource: DataSource,
    private readonly store: ProjectionStore,
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    @Inject(TOPIC_NAMES) topics: TopicNames,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.rebuilder = new ProjectionRebuilder({
      dataSource,
      store,
      kafka,
      topic: topics.events,
      groupPrefix: config.kafka.groupPrefix,
      serviceSchema: config.database.schema,
      partitionsConcurrency: config.kafka.partitionsConcurrency,
    });
  }

  onApplicationBootstrap(): void {
    if (this.store.createdEmpty) {
      void this.start('startup').catch((error: unknown) => this.logger.warn({ msg: 'startup recompute not started', error: String(error) }));
    }
  }

  onModuleDestroy(): Promise<unknown> {
    this.rebuilder.stop();
    return this.running?.catch(() => undefined) ?? Promise.resolve();
  }

  /** Starts a recompute and answers once it is registered; 409 while another one runs (here or elsewhere). */
  async start(startedBy: string): Promise<{ id: string }> {
    if (this.running !== null) throw this.conflict();
    return new Promise<{ id: string }>((resolve, reject) => {
      const run = this.rebuilder.run(startedBy, { started: (id) => resolve({ id }) });
      this.running = run;
      run
        .catch((error: unknown) => reject(error instanceof RecomputeRunningError ? this.conflict() : error))
        .finally(() => {
          if (this.running === run) this.running = null;
        });
    });
  }

  /** Resolves when the run in progress here (if any) has finished. */
  async settled(): Promise<RecomputeProgress | null> {
    return (await this.running?.catch(() => null)) ?? this.rebuilder.latest();
  }

  private conflict(): ConflictException {
    return new ConflictException({ statusCode: 409, error: 'Conflict', reason: 'recompute_running', message: 'a recompute is already running' });
  }
}
