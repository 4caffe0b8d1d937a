import { type DynamicModule, Global, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

export interface MetricsModuleOptions {
  /** Prefix of the default process and Node.js metrics. */
  readonly prefix?: string;
}

export const DEFAULT_METRICS_PREFIX = 'complaints_';

/**
 * A Prometheus registry of the app's own (never prom-client's global one, so several apps can live
 * in one process), with process metrics, a `service` label on every series, the HTTP duration
 * histogram and `GET /metrics`. Inject `MetricsService` to add metrics, or `Registry` to read them.
 */
@Global()
@Module({})
export class MetricsModule implements NestModule {
  static forRoot(options: MetricsModuleOptions = {}): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [
        {
          provide: Registry,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig): Registry => {
            const registry = new Registry();
            registry.setDefaultLabels({ service: config.service.name });
            collectDefaultMetrics({ register: registry, prefix: options.prefix ?? DEFAULT_METRICS_PREFIX });
            return registry;
          },
        },
        MetricsService,
      ],
      exports: [Registry, MetricsService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
