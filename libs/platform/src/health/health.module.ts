import { type DynamicModule, Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { DEFAULT_CHECK_TIMEOUT_MS, READINESS_OPTIONS, ReadinessRegistry, type ReadinessOptions } from './readiness.registry';

export interface HealthModuleOptions {
  /** Default time each readiness check may take. */
  readonly checkTimeoutMs?: number;
}

/**
 * `GET /health` (liveness) and `GET /ready` (readiness). Global, so any module can inject
 * `ReadinessRegistry` and register the check of the connection it owns.
 */
@Global()
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions = {}): DynamicModule {
    const readinessOptions: ReadinessOptions = { checkTimeoutMs: options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS };
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [{ provide: READINESS_OPTIONS, useValue: readinessOptions }, ReadinessRegistry],
      exports: [ReadinessRegistry],
    };
  }
}
