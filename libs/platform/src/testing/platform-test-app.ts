import type { DynamicModule, Provider, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { type AppConfig, ConfigModule, loadConfig } from '@app/config';
import { configureApp } from '../bootstrap/bootstrap-service';
import { HealthModule, type HealthModuleOptions } from '../health/health.module';
import { LoggingModule } from '../logging/logging.module';
import { MetricsModule } from '../metrics/metrics.module';
import { LogSink } from './log-sink';

export interface PlatformTestAppOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly health?: HealthModuleOptions;
  /** Modules of the app besides the platform ones, such as AuthModule. */
  readonly imports?: DynamicModule[];
  readonly controllers?: Type<unknown>[];
  readonly providers?: Provider[];
}

export interface PlatformTestApp {
  readonly app: NestExpressApplication;
  readonly config: AppConfig;
  readonly logs: LogSink;
}

/**
 * An app made of the platform modules (and whatever controllers a test adds), configured as
 * bootstrapService configures a service and listening on a free local port. Its log lines are kept
 * in `logs` instead of being printed.
 */
export async function createPlatformTestApp(options: PlatformTestAppOptions = {}): Promise<PlatformTestApp> {
  const config = loadConfig('intake', options.env ?? {});
  const logs = new LogSink();
  // nestjs-pino keeps the first app's logger for lines logged outside requests; each test app
  // must write to its own sink.
  __resetOutOfContextForTests();
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      LoggingModule.forRoot({ destination: logs }),
      MetricsModule.forRoot(),
      HealthModule.forRoot(options.health),
      ...(options.imports ?? []),
    ],
    controllers: options.controllers ?? [],
    providers: options.providers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  return { app, config, logs };
}
