import { Type, type Static } from '@sinclair/typebox';

/**
 * Every environment variable a service reads. Defaults are for the local stack (README, "Configuration").
 * Values marked DEVELOPMENT DEFAULT are refused when NODE_ENV=production.
 */
export const DEVELOPMENT_JWT_SECRET = 'development-only-jwt-secret-do-not-use-in-production';

export const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('test'), Type.Literal('production')], {
    default: 'development',
  }),
  HTTP_PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  HTTP_BODY_LIMIT: Type.String({ default: '256kb', pattern: '^[0-9]+(b|kb|mb)$' }),
  /** Requests one client (a token's subject, else an IP address) may make per minute to one instance. */
  HTTP_RATE_LIMIT_PER_MINUTE: Type.Integer({ default: 1200, minimum: 1, maximum: 1_000_000 }),
  KAFKA_BROKERS: Type.String({ default: '127.0.0.1:9092', pattern: '^[^,\\s]+:[0-9]+(,[^,\\s]+:[0-9]+)*$' }),
  KAFKA_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  KAFKA_GROUP_PREFIX: Type.String({ default: 'complaints', minLength: 1, pattern: '^[A-Za-z0-9._-]+$' }),
  /** Prepended to every declared topic name (an isolated environment on a shared cluster). */
  KAFKA_TOPIC_PREFIX: Type.String({ default: '', pattern: '^[A-Za-z0-9._-]*$' }),
  /** How long the group waits for a silent consumer before moving its partitions (the broker allows 6 s to 5 min). */
  /** Partitions one consumer works on at once; order is kept within each partition. */
  KAFKA_PARTITIONS_CONCURRENCY: Type.Integer({ default: 3, minimum: 1, maximum: 64 }),
  KAFKA_SESSION_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 6000, maximum: 300_000 }),
  DATABASE_URL: Type.String({ default: 'postgres://root@127.0.0.1:5432/test', pattern: '^postgres(ql)?://' }),
  DB_SCHEMA: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' })),
  DB_POOL_SIZE: Type.Integer({ default: 10, minimum: 1, maximum: 200 }),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379', pattern: '^rediss?://' }),
  AUTH_JWT_SECRET: Type.String({ default: DEVELOPMENT_JWT_SECRET, minLength: 32 }),
  AUTH_JWT_ISSUER: Type.String({ default: 'complaints', minLength: 1 }),
  AUTH_JWT_AUDIENCE: Type.String({ default: 'complaints-api', minLength: 1 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  LOG_PRETTY: Type.Boolean({ default: false }),
  PHONE_DEFAULT_REGION: Type.String({ default: 'GB', pattern: '^[A-Z]{2}$' }),
  INTAKE_MAX_EMAIL_BYTES: Type.Integer({ default: 25 * 1024 * 1024, minimum: 1024, maximum: 100 * 1024 * 1024 }),
  WORKFLOW_ESCALATION_ACK_MS: Type.Integer({ default: 30 * 60 * 1000, minimum: 1 }),
  WORKFLOW_WARNING_SHARE: Type.Number({ default: 0.75, exclusiveMinimum: 0, exclusiveMaximum: 1 }),
  WORKFLOW_REOPEN_WINDOW_MS: Type.Integer({ default: 14 * 24 * 60 * 60 * 1000, minimum: 0 }),
  /** BullMQ queue names: deployments sharing one Redis keep their timers apart by these. */
  WORKFLOW_TIMER_QUEUE: Type.String({ default: 'workflow-timers', pattern: '^[A-Za-z0-9_-]{1,100}$' }),
  WORKFLOW_WEBHOOK_QUEUE: Type.String({ default: 'workflow-webhooks', pattern: '^[A-Za-z0-9_-]{1,100}$' }),
  WORKFLOW_RECONCILE_INTERVAL_MS: Type.Integer({ default: 60_000, minimum: 100 }),
  /** Timer jobs one instance holds at once; they wait for their batch, so this is far above the database pool. */
  WORKFLOW_TIMER_CONCURRENCY: Type.Integer({ default: 2000, minimum: 1, maximum: 10_000 }),
  /** Due timers gathered for up to WORKFLOW_TIMER_BATCH_WAIT_MS fire together, at most this many per transaction. */
  WORKFLOW_TIMER_BATCH_SIZE: Type.Integer({ default: 500, minimum: 1, maximum: 5000 }),
  WORKFLOW_TIMER_BATCH_WAIT_MS: Type.Integer({ default: 5, minimum: 0, maximum: 1000 }),
  /** SLA targets as JSON, e.g. {"critical":{"firstResponseMs":900000,"resolutionMs":14400000}}; defaults otherwise. */
  SLA_TARGETS_JSON: Type.Optional(Type.String({ minLength: 2 })),
  /** Comma-separated http(s) URLs that receive every alert as a signed POST; none means webhooks are off. */
  ALERT_WEBHOOK_URLS: Type.Optional(Type.String()),
  /** The HMAC-SHA256 key receivers verify signatures with; required when ALERT_WEBHOOK_URLS is set. */
  ALERT_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  ALERT_WEBHOOK_TIMEOUT_MS: Type.Integer({ default: 5000, minimum: 100, maximum: 120_000 }),
  ALERT_WEBHOOK_ATTEMPTS: Type.Integer({ default: 10, minimum: 1, maximum: 50 }),
  /** The first retry's delay; each further retry waits twice as long as the one before. */
  ALERT_WEBHOOK_BACKOFF_MS: Type.Integer({ default: 1000, minimum: 1, maximum: 3_600_000 }),
  /** Overrides of the scenario figures (named parameters of libs/domain's analytics), as JSON. */
  ANALYTICS_SCENARIO_JSON: Type.Optional(Type.String({ minLength: 2 })),
  /** Average yearly revenue of one customer; revenue figures are 0 and flagged while it is 0. */
  ANALYTICS_ANNUAL_VALUE_PER_CUSTOMER: Type.Number({ default: 0, minimum: 0 }),
  /** Per-store yearly value per customer, as JSON {"S001": 1200}; stores not named use the average. */
  ANALYTICS_STORE_ANNUAL_VALUES_JSON: Type.Optional(Type.String({ minLength: 2 })),
  /** What-if defaults: the business's yearly revenue and the share of it from customers with a negative experience. */
  ANALYTICS_ANNUAL_REVENUE: Type.Number({ default: 0, minimum: 0 }),
  ANALYTICS_NEGATIVE_EXPERIENCE_SHARE: Type.Number({ default: 0.25, minimum: 0, maximum: 1 }),
  /** The active customer base: customers with a purchase within this many days, unless a number is configured. */
  ANALYTICS_ACTIVE_WINDOW_DAYS: Type.Integer({ default: 365, minimum: 1, maximum: 3650 }),
  ANALYTICS_ACTIVE_CUSTOMERS: Type.Optional(Type.Integer({ minimum: 0 })),
  ANALYTICS_MONTE_CARLO_DRAWS: Type.Integer({ default: 20_000, minimum: 1000, maximum: 1_000_000 }),
  ANALYTICS_MONTE_CARLO_SEED: Type.Integer({ default: 20_261_123, minimum: 1, maximum: 4_294_967_295 }),
  OUTBOX_POLL_MS: Type.Integer({ default: 200, minimum: 10, maximum: 60000 }),
  OUTBOX_BATCH_SIZE: Type.Integer({ default: 500, minimum: 1, maximum: 10000 }),
});

export type Env = Static<typeof EnvSchema>;
