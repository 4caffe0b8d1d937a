import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { ReadinessCheck } from './readiness.registry';

/** PostgreSQL answers a query on the service's pool. */
export function postgresCheck(dataSource: DataSource): ReadinessCheck {
  return async () => {
    if (!dataSource.isInitialized) throw new Error('the data source is not initialised');
    await dataSource.query('SELECT 1');
  };
}

/** Redis answers PING. */
export function redisCheck(redis: Redis): ReadinessCheck {
  return async () => {
    const reply = await redis.ping();
    if (reply !== 'PONG') throw new Error(`unexpected PING reply "${reply}"`);
  };
}

/** The Kafka cluster answers and has an active controller. The admin client must be connected. */
export function kafkaCheck(admin: Admin): ReadinessCheck {
  return async () => {
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('the cluster reported no brokers');
    if (cluster.controller === null || cluster.controller < 0) throw new Error('the cluster has no active controller');
  };
}
