import { createDataSource } from '@app/persistence';
import { testConfig, testKafka } from '@app/testing/infrastructure';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_CHECK_TIMEOUT_MS, ReadinessRegistry } from './readiness.registry';
import { kafkaCheck, postgresCheck, redisCheck } from './readiness-checks';

/** Nothing listens on port 1 of the loopback interface: a dependency that is down. */
const UNREACHABLE = '127.0.0.1:1';

function registry(): ReadinessRegistry {
  return new ReadinessRegistry({ checkTimeoutMs: DEFAULT_CHECK_TIMEOUT_MS });
}

describe('readiness checks against the local stack', () => {
  it('passes when PostgreSQL, Redis and Kafka answer', async () => {
    const dataSource = createDataSource({ url: testConfig.database.url, schema: 'public', poolSize: 1 });
    const redis = new Redis(testConfig.redis.url, { lazyConnect: true });
    const admin = testKafka().admin();
    await Promise.all([dataSource.initialize(), redis.connect(), admin.connect()]);
    try {
      const checks = registry();
      checks.register('postgres', postgresCheck(dataSource));
      checks.register('redis', redisCheck(redis));
      checks.register('kafka', kafkaCheck(admin));

      const report = await checks.run();

      expect(report).toEqual({
        status: 'ready',
        checks: {
          postgres: { ok: true, latencyMs: expect.any(Number) },
          redis: { ok: true, latencyMs: expect.any(Number) },
          kafka: { ok: true, latencyMs: expect.any(Number) },
        },
      });
    } finally {
      await Promise.all([dataSource.destroy(), redis.quit(), admin.disconnect()]);
    }
  });

  it('fails, with the reason, when they cannot be reached', async () => {
    const dataSource = createDataSource({ url: `postgres://nobody@${UNREACHABLE}/none`, schema: 'public', poolSize: 1 });
    const redis = new Redis(`redis://${UNREACHABLE}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const admin = new Kafka({
      clientId: 'readiness-check-test',
      brokers: [UNREACHABLE],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    const checks = registry();
    checks.register('postgres', postgresCheck(dataSource));
    checks.register('redis', redisCheck(redis));
    checks.register('kafka', kafkaCheck(admin));

    const report = await checks.run();

    expect(report.status).toBe('not_ready');
    expect(report.checks['postgres']).toEqual({ ok: false, latencyMs: expect.any(Number), error: 'the data source is not initialised' });
    expect(report.checks['redis']).toMatchObject({ ok: false, error: expect.stringMatching(/writeable|ECONNREFUSED/) });
    expect(report.checks['kafka']).toMatchObject({ ok: false, error: expect.stringMatching(/ECONNREFUSED/) });
    redis.disconnect();
  });
});
