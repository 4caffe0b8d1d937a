import Ajv, { type ErrorObject } from 'ajv';
import { DEFAULT_HTTP_PORTS, type AlertWebhookConfig, type AppConfig, type ServiceName } from './app-config';
import { DEVELOPMENT_JWT_SECRET, EnvSchema, type Env } from './env.schema';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, removeAdditional: false });
const validateEnv = ajv.compile<Env>(EnvSchema);

function describe(error: ErrorObject): string {
  const variable = error.instancePath.replace(/^\//, '') || String(error.params['missingProperty'] ?? '');
  return `${variable}: ${error.message ?? 'is invalid'}`;
}

/** Reads only the variables the schema knows, so unrelated environment never leaks into the config. */
function pickKnown(source: NodeJS.ProcessEnv): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = source[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  return picked;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Webhook URLs are named by position in messages: a URL may carry a token of the receiver's. */
function alertWebhooks(env: Env): AlertWebhookConfig | null {
  if (env.ALERT_WEBHOOK_URLS === undefined) return null;
  const urls = env.ALERT_WEBHOOK_URLS.split(',').map((url) => url.trim());
  const problems: string[] = [];
  urls.forEach((url, index) => {
    if (!isHttpUrl(url)) problems.push(`ALERT_WEBHOOK_URLS: entry ${index + 1} is not an absolute http(s) URL`);
    else if (urls.indexOf(url) !== index) problems.push(`ALERT_WEBHOOK_URLS: entry ${index + 1} repeats entry ${urls.indexOf(url) + 1}`);
  });
  const secret = env.ALERT_WEBHOOK_SECRET;
  if (secret === undefined) throw new ConfigError([...problems, 'ALERT_WEBHOOK_SECRET: is required when ALERT_WEBHOOK_URLS is set']);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    urls,
    secret,
    timeoutMs: env.ALERT_WEBHOOK_TIMEOUT_MS,
    attempts: env.ALERT_WEBHOOK_ATTEMPTS,
    backoffMs: env.ALERT_WEBHOOK_BACKOFF_MS,
  };
}

function parseJson(name: string, text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError([`${name}: is not valid JSON`]);
  }
}

function storeAnnualValues(env: Env): Record<string, number> {
  const parsed = parseJson('ANALYTICS_STORE_ANNUAL_VALUES_JSON', env.ANALYTICS_STORE_ANNUAL_VALUES_JSON);
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(['ANALYTICS_STORE_ANNUAL_VALUES_JSON: must be an object {"<store>": <value>}']);
  const problems = Object.entries(parsed as Record<string, unknown>)
    .filter(([, value]) => typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    .map(([store]) => `ANALYTICS_STORE_ANNUAL_VALUES_JSON: the value of store '${store}' must be a number ≥ 0`);
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed as Record<string, number>;
}

/**
 * Validates the environment once, at start, into the typed configuration of one service.
 * Throws a ConfigError naming every bad variable.
 */
export function loadConfig(service: ServiceName, source: NodeJS.ProcessEnv = process.env): AppConfig {
  const env = pickKnown(source);
  if (!validateEnv(env)) {
    throw new ConfigError((validateEnv.errors ?? []).map(describe));
  }
  let slaTargets: unknown = null;
  if (env.SLA_TARGETS_JSON !== undefined) {
    try {
      slaTargets = JSON.parse(env.SLA_TARGETS_JSON);
    } catch {
      throw new ConfigError(['SLA_TARGETS_JSON: is not valid JSON']);
    }
  }
  const usingDevelopmentSecret = env.AUTH_JWT_SECRET === DEVELOPMENT_JWT_SECRET;
  if (env.NODE_ENV === 'production' && usingDevelopmentSecret) {
    throw new ConfigError(['AUTH_JWT_SECRET: the development default must not be used when NODE_ENV=production']);
  }
  const webhooks = alertWebhooks(env);
  const analytics = {
    scenarioOverrides: parseJson('ANALYTICS_SCENARIO_JSON', env.ANALYTICS_SCENARIO_JSON),
    annualValuePerCustomer: env.ANALYTICS_ANNUAL_VALUE_PER_CUSTOMER,
    storeAnnualValues: storeAnnualValues(env),
    annualRevenue: env.ANALYTICS_ANNUAL_REVENUE,
    negativeExperienceShare: env.ANALYTICS_NEGATIVE_EXPERIENCE_SHARE,
    activeWindowDays: env.ANALYTICS_ACTIVE_WINDOW_DAYS,
    activeCustomers: env.ANALYTICS_ACTIVE_CUSTOMERS ?? null,
    monteCarloDraws: env.ANALYTICS_MONTE_CARLO_DRAWS,
    monteCarloSeed: env.ANALYTICS_MONTE_CARLO_SEED,
  };
  return {
    service: { name: service, env: env.NODE_ENV },
    http: {
      port: env.HTTP_PORT ?? DEFAULT_HTTP_PORTS[service],
      bodyLimit: env.HTTP_BODY_LIMIT,
      rateLimitPerMinute: env.HTTP_RATE_LIMIT_PER_MINUTE,
    },
    kafka: {
      brokers: env.KAFKA_BROKERS.split(','),
      clientId: env.KAFKA_CLIENT_ID ?? `complaints-${service}`,
      groupPrefix: env.KAFKA_GROUP_PREFIX,
      topicPrefix: env.KAFKA_TOPIC_PREFIX,
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
      partitionsConcurrency: env.KAFKA_PARTITIONS_CONCURRENCY,
    },
    database: { url: env.DATABASE_URL, schema: env.DB_SCHEMA ?? service, poolSize: env.DB_POOL_SIZE },
    redis: { url: env.REDIS_URL },
    auth: {
      jwtSecret: env.AUTH_JWT_SECRET,
      issuer: env.AUTH_JWT_ISSUER,
      audience: env.AUTH_JWT_AUDIENCE,
      usingDevelopmentSecret,
    },
    log: { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY },
    outbox: { pollMs: env.OUTBOX_POLL_MS, batchSize: env.OUTBOX_BATCH_SIZE },
    intake: { defaultPhoneRegion: env.PHONE_DEFAULT_REGION, maxEmailBytes: env.INTAKE_MAX_EMAIL_BYTES },
    workflow: {
      escalationAcknowledgeMs: env.WORKFLOW_ESCALATION_ACK_MS,
      warningShare: env.WORKFLOW_WARNING_SHARE,
      reopenWindowMs: env.WORKFLOW_REOPEN_WINDOW_MS,
      reconcileIntervalMs: env.WORKFLOW_RECONCILE_INTERVAL_MS,
      timerQueue: env.WORKFLOW_TIMER_QUEUE,
      webhookQueue: env.WORKFLOW_WEBHOOK_QUEUE,
      timerBatching: { concurrency: env.WORKFLOW_TIMER_CONCURRENCY, size: env.WORKFLOW_TIMER_BATCH_SIZE, waitMs: env.WORKFLOW_TIMER_BATCH_WAIT_MS },
      slaTargets,
      webhooks,
    },
    analytics,
  };
}
