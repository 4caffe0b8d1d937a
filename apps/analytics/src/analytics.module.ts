import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import type { TopicNames } from '@app/messaging';
import { ServiceCoreModule } from '@app/platform';
import { AnalyticsController } from './figures/analytics.controller';
import { FigureDataRepository } from './figures/figure-data.repository';
import { FiguresService } from './figures/figures.service';
import { WhatIfController } from './figures/what-if.controller';
import { ANALYTICS_MIGRATIONS } from './migrations';
import { LiveProjectionConsumer } from './projection/live-projection.consumer';
import { ProjectionStore } from './projection/projection-store';
import { RecomputeController } from './recompute/recompute.controller';
import { RecomputeService } from './recompute/recompute.service';

export interface AnalyticsModuleOptions {
  /** Tests give their own topics and apply migrations at start. */
  readonly topics?: Partial<TopicNames>;
  readonly migrateOnStart?: boolean;
}

@Module({})
export class AnalyticsModule {
  static forRoot(config: AppConfig, options: AnalyticsModuleOptions = {}): DynamicModule {
    return {
      module: AnalyticsModule,
      imports: [
        ServiceCoreModule.forRoot(config, {
          persistence: { migrations: ANALYTICS_MIGRATIONS, migrateOnStart: options.migrateOnStart },
          topics: options.topics,
          // Analytics only reads the events topic; it publishes nothing.
          outboxRelay: false,
        }),
      ],
      controllers: [AnalyticsController, WhatIfController, RecomputeController],
      providers: [ProjectionStore, LiveProjectionConsumer, FigureDataRepository, FiguresService, RecomputeService],
    };
  }
}
