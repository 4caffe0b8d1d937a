import { ConfigError, loadConfig } from './load-config';
import { DEVELOPMENT_JWT_SECRET } from './env.schema';

describe('loadConfig', () => {
  it('gives the local-stack defaults for an empty environment', () => {
    const config = loadConfig('workflow', {});
    expect(config.http.port).toBe(3002);
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.kafka.clientId).toBe('complaints-workflow');
    expect(config.database.schema).toBe('workflow');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.auth.usingDevelopmentSecret).toBe(true);
  });

  it('coerces numbers and booleans and splits broker lists', () => {
    const config = loadConfig('intake', {
      HTTP_PORT: '4001',
      LOG_PRETTY: 'true',
      KAFKA_BROKERS: 'a:9092,b:9093',
      DB_POOL_SIZE: '25',
    });
    expect(config.http.port).toBe(4001);
    expect(config.log.pretty).toBe(true);
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9093']);
    expect(config.database.poolSize).toBe(25);
  });

  it('batches workflow timers by default, and refuses a batch size of nothing', () => {
    expect(loadConfig('workflow', {}).workflow.timerBatching).toEqual({ concurrency: 2000, size: 500, waitMs: 5 });
    expect(loadConfig('workflow', { WORKFLOW_TIMER_BATCH_SIZE: '1', WORKFLOW_TIMER_BATCH_WAIT_MS: '0' }).workflow.timerBatching).toMatchObject({ size: 1, waitMs: 0 });
    expect(() => loadConfig('workflow', { WORKFLOW_TIMER_BATCH_SIZE: '0' })).toThrow(/WORKFLOW_TIMER_BATCH_SIZE/);
    expect(() => loadConfig('workflow', { WORKFLOW_TIMER_CONCURRENCY: 'many' })).toThrow(/WORKFLOW_TIMER_CONCURRENCY/);
  });

  it('names every bad variable', () => {
    const attempt = () => loadConfig('intake', { HTTP_PORT: 'eighty', REDIS_URL: 'http://x', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as ConfigError).message;
      expect(message).toContain('HTTP_PORT');
      expect(message).toContain('REDIS_URL');
      expect(message).toContain('LOG_LEVEL');
    }
  });

  it('refuses the development signing key in production', () => {
    expect(() => loadConfig('analytics', { NODE_ENV: 'production' })).toThrow(/AUTH_JWT_SECRET/);
    const config = loadConfig('analytics', { NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(40) });
    expect(config.auth.usingDevelopmentSecret).toBe(false);
    expect(config.auth.jwtSecret).not.toBe(DEVELOPMENT_JWT_SECRET);
  });

  it('limits each client to 1200 requests a minute unless told otherwise, and refuses a limit below 1', () => {
    expect(loadConfig('intake', {}).http.rateLimitPerMinute).toBe(1200);
    expect(loadConfig('intake', { HTTP_RATE_LIMIT_PER_MINUTE: '50000' }).http.rateLimitPerMinute).toBe(50_000);
    expect(() => loadConfig('intake', { HTTP_RATE_LIMIT_PER_MINUTE: '0' })).toThrow(/HTTP_RATE_LIMIT_PER_MINUTE/);
  });

  it('refuses a short signing key', () => {
    expect(() => loadConfig('intake', { AUTH_JWT_SECRET: 'short' })).toThrow(/AUTH_JWT_SECRET/);
  });
});

describe('loadConfig: alert webhooks', () => {
  const secret = 'a-webhook-secret-of-some-length';

  function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
    try {
      loadConfig('workflow', env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('the configuration was accepted');
  }

  it('leaves webhooks off when no URL is configured', () => {
    expect(loadConfig('workflow', {}).workflow.webhooks).toBeNull();
    expect(loadConfig('workflow', { ALERT_WEBHOOK_URLS: '', ALERT_WEBHOOK_SECRET: secret }).workflow.webhooks).toBeNull();
  });

  it('splits the URL list and gives the delivery defaults', () => {
    const config = loadConfig('workflow', {
      ALERT_WEBHOOK_URLS: 'https://hooks.example.com/alerts, http://127.0.0.1:8080/in',
      ALERT_WEBHOOK_SECRET: secret,
    });
    expect(config.workflow.webhooks).toEqual({
      urls: ['https://hooks.example.com/alerts', 'http://127.0.0.1:8080/in'],
      secret,
      timeoutMs: 5000,
      attempts: 10,
      backoffMs: 1000,
    });
  });

  it('refuses URLs without a secret, and names the variable', () => {
    expect(problemsOf({ ALERT_WEBHOOK_URLS: 'https://hooks.example.com/alerts' })).toEqual([
      'ALERT_WEBHOOK_SECRET: is required when ALERT_WEBHOOK_URLS is set',
    ]);
  });

  it('refuses a short secret', () => {
    expect(() => loadConfig('workflow', { ALERT_WEBHOOK_URLS: 'https://hooks.example.com/alerts', ALERT_WEBHOOK_SECRET: 'short' })).toThrow(
      /ALERT_WEBHOOK_SECRET/,
    );
  });

  it('names bad and repeated entries by position, never echoing a URL', () => {
    const problems = problemsOf({
      ALERT_WEBHOOK_URLS: 'https://a.example.com/x?token=t0ps3cret,ftp://b.example.com,not a url,https://a.example.com/x?token=t0ps3cret',
      ALERT_WEBHOOK_SECRET: secret,
    });
    expect(problems).toEqual([
      'ALERT_WEBHOOK_URLS: entry 2 is not an absolute http(s) URL',
      'ALERT_WEBHOOK_URLS: entry 3 is not an absolute http(s) URL',
      'ALERT_WEBHOOK_URLS: entry 4 repeats entry 1',
    ]);
  });

  it('coerces the delivery settings', () => {
    const config = loadConfig('workflow', {
      ALERT_WEBHOOK_URLS: 'https://hooks.example.com/alerts',
      ALERT_WEBHOOK_SECRET: secret,
      ALERT_WEBHOOK_TIMEOUT_MS: '250',
      ALERT_WEBHOOK_ATTEMPTS: '3',
      ALERT_WEBHOOK_BACKOFF_MS: '20',
    });
    expect(config.workflow.webhooks).toMatchObject({ timeoutMs: 250, attempts: 3, backoffMs: 20 });
    expect(() => loadConfig('workflow', { ALERT_WEBHOOK_ATTEMPTS: '0' })).toThrow(/ALERT_WEBHOOK_ATTEMPTS/);
  });

  describe('analytics parameters', () => {
    it('has documented defaults: no revenue configured, a 365-day active base, a fixed Monte Carlo seed', () => {
      const { analytics } = loadConfig('analytics', {});
      expect(analytics).toMatchObject({ annualValuePerCustomer: 0, storeAnnualValues: {}, activeWindowDays: 365, activeCustomers: null, scenarioOverrides: null });
      expect(analytics.monteCarloSeed).toBeGreaterThan(0);
    });

    it('reads per-store values and scenario overrides as JSON, naming what is wrong', () => {
      const { analytics } = loadConfig('analytics', { ANALYTICS_STORE_ANNUAL_VALUES_JSON: '{"S001": 1200}', ANALYTICS_SCENARIO_JSON: '{"complaintRate": 0.04}' });
      expect(analytics.storeAnnualValues).toEqual({ S001: 1200 });
      expect(analytics.scenarioOverrides).toEqual({ complaintRate: 0.04 });
      expect(() => loadConfig('analytics', { ANALYTICS_SCENARIO_JSON: '{nope' })).toThrow(/ANALYTICS_SCENARIO_JSON: is not valid JSON/);
      expect(() => loadConfig('analytics', { ANALYTICS_STORE_ANNUAL_VALUES_JSON: '{"S001": -5}' })).toThrow(/store 'S001' must be a number ≥ 0/);
      expect(() => loadConfig('analytics', { ANALYTICS_NEGATIVE_EXPERIENCE_SHARE: '1.5' })).toThrow(/ANALYTICS_NEGATIVE_EXPERIENCE_SHARE/);
    });
  });
});
