// Logging
export { LOG_DESTINATION, LoggingModule, type LoggingModuleOptions } from './logging/logging.module';
export {
  createLogger,
  httpLoggerOptions,
  loggerOptions,
  REDACTED_PATHS,
  REQUEST_ID_HEADER,
  requestIdFor,
} from './logging/logger.factory';
export { maskJsonValue, maskLogLine, maskPersonalData, type JsonValue } from './logging/personal-data.util';

// Metrics
export { DEFAULT_METRICS_PREFIX, MetricsModule, type MetricsModuleOptions } from './metrics/metrics.module';
export { MetricsService } from './metrics/metrics.service';
export { HTTP_REQUEST_DURATION, UNMATCHED_ROUTE } from './metrics/http-metrics.middleware';

// Health
export { HealthModule, type HealthModuleOptions } from './health/health.module';
export type { HealthReport } from './health/health.controller';
export {
  DEFAULT_CHECK_TIMEOUT_MS,
  ReadinessRegistry,
  type ReadinessCheck,
  type ReadinessCheckOptions,
  type ReadinessCheckResult,
  type ReadinessReport,
} from './health/readiness.registry';
export { kafkaCheck, postgresCheck, redisCheck } from './health/readiness-checks';

// Bootstrap
export {
  bootstrapService,
  configureApp,
  OPENAPI_JSON_PATH,
  OPENAPI_PATH,
  setupOpenApi,
  type AppModuleDefinition,
} from './bootstrap/bootstrap-service';
export { runService } from './bootstrap/run-service';

// Service composition
export { REDIS_CLIENT, ServiceCoreModule, type ServiceCoreOptions } from './service/service-core.module';
export { RATE_LIMIT_WINDOW_MS, RateLimitGuard, RateLimitModule, UNLIMITED_PATHS, type RateLimitedBody } from './service/rate-limit.module';
export { SchemaValidationPipe, type ValidationErrorBody } from './validation/schema-validation.pipe';
export { ApiQuerySchema } from './validation/api-query-schema.decorator';
