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

  it('refuses a short signing key', () => {
    expect(() => loadConfig('intake', { AUTH_JWT_SECRET: 'short' })).toThrow(/AUTH_JWT_SECRET/);
  });
});
