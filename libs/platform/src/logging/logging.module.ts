import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { LoggerErrorInterceptor, LoggerModule, type Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { createLogger, httpLoggerOptions } from './logger.factory';

export interface LoggingModuleOptions {
  /** Where the JSON lines go instead of standard output; tests pass a stream they read back. */
  readonly destination?: DestinationStream;
}

/**
 * The stream a service's log lines are written to (`null`: standard output). A test that builds a whole
 * service overrides this provider to read back every line the service writes, masked as it would be printed.
 */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/**
 * Structured logging for a service (nestjs-pino): request ids, the service name on every line,
 * credentials redacted and personal data masked. Needs the APP_CONFIG of ConfigModule.
 * Inject nestjs-pino's `PinoLogger`, or use Nest's `Logger` once the app logs through pino.
 */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingModuleOptions = {}): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          providers: [{ provide: LOG_DESTINATION, useValue: options.destination ?? null }],
          inject: [APP_CONFIG, LOG_DESTINATION],
          useFactory: (config: AppConfig, destination: DestinationStream | null): Params => ({
            pinoHttp: httpLoggerOptions(createLogger(config, destination ?? undefined)),
          }),
        }),
      ],
      // Lets the line that closes a failed request carry the error that failed it.
      providers: [{ provide: APP_INTERCEPTOR, useClass: LoggerErrorInterceptor }],
    };
  }
}
