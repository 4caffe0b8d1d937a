import { dropSchema } from '@app/persistence';
import { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { connectionFor } from '../../apps/workflow/src/timers/timer-queue.service';

/** Analytics builds its projections in schemas named after its own. */
const PROJECTION_SCHEMA_SUFFIXES = ['_projection', '_projection_shadow'];

/**
 * Removes the database schemas and the BullMQ queues a test deployment of the services made: each
 * service's schema with analytics' projection schemas, and every job of the queues. A queue Redis
 * refuses to empty is left to its unique name. Without a database connection (a deployment stopped
 * before it had one), only the queues are emptied.
 */
export async function removeDeploymentState(
  dataSource: DataSource | null,
  schemas: readonly string[],
  redisUrl: string,
  queues: readonly string[],
): Promise<void> {
  if (dataSource !== null) {
    for (const schema of schemas) {
      await dropSchema(dataSource, schema);
      for (const suffix of PROJECTION_SCHEMA_SUFFIXES) await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}${suffix}" CASCADE`);
    }
  }
  for (const name of queues) {
    const queue = new Queue(name, { connection: connectionFor(redisUrl, false) });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}
