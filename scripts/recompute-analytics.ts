/**
 * Recomputes the analytics projection from the events topic, with a progress bar:
 *
 *   make recompute        (or: npx ts-node -r tsconfig-paths/register --transpile-only scripts/recompute-analytics.ts)
 *
 * It runs beside the analytics service: the live projection keeps serving until the rebuilt one is
 * swapped in. Only one recompute runs at a time, whoever started it. Exit codes: 0 done, 1 failed,
 * 3 another recompute is running.
 */
import { Logger } from '@nestjs/common';
import { SingleBar, Presets } from 'cli-progress';
import { logLevel } from 'kafkajs';
import { loadConfig } from '@app/config';
import { Topics } from '@app/contracts';
import { createKafkaClient } from '@app/messaging';
import { createDataSource, migrate } from '@app/persistence';
import { ANALYTICS_MIGRATIONS } from '../apps/analytics/src/migrations';
import { ProjectionStore } from '../apps/analytics/src/projection/projection-store';
import { ProjectionRebuilder, RecomputeRunningError } from '../apps/analytics/src/recompute/projection-rebuilder';

async function main(): Promise<number> {
  // The progress bar is the report; only errors interrupt it.
  Logger.overrideLogger(['error']);
  const config = loadConfig('analytics');
  const dataSource = createDataSource({ url: config.database.url, schema: config.database.schema, poolSize: 4, migrations: ANALYTICS_MIGRATIONS });
  await dataSource.initialize();
  const kafka = createKafkaClient({ brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-recompute` }, { logLevel: logLevel.ERROR });
  const bar = new SingleBar(
    {
      format: ' {bar} {percentage}% | {value}/{total} events | {rate} events/s | {state} | time left {left}',
      hideCursor: true,
      // Redirected to a file or a CI log, it prints a line every two seconds instead.
      noTTYOutput: true,
      notTTYSchedule: 2000,
    },
    Presets.shades_classic,
  );
  try {
    await migrate(dataSource);
    const store = new ProjectionStore(dataSource, config);
    const rebuilder = new ProjectionRebuilder({
      dataSource,
      store,
      kafka,
      topic: `${config.kafka.topicPrefix}${Topics.events.name}`,
      groupPrefix: config.kafka.groupPrefix,
      serviceSchema: config.database.schema,
      partitionsConcurrency: config.kafka.partitionsConcurrency,
    });
    process.once('SIGINT', () => rebuilder.stop());
    let started = false;
    const result = await rebuilder.run(`cli:${process.env['USER'] ?? 'unknown'}`, {
      progress: (progress) => {
        const payload = { rate: progress.eventsPerSecond, state: progress.state, left: progress.secondsLeft === null ? '?' : `${progress.secondsLeft}s` };
        if (!started) {
          bar.start(Math.max(1, progress.eventsTotal), progress.eventsDone, payload);
          started = true;
        }
        bar.setTotal(Math.max(1, progress.eventsTotal));
        bar.update(progress.eventsDone, payload);
      },
    });
    bar.stop();
    if (result.state !== 'done') {
      process.stderr.write(`recompute failed: ${result.error ?? 'unknown error'}\n`);
      return 1;
    }
    process.stdout.write(`recomputed ${result.eventsDone} events (${result.eventsSkipped} not valid events) at ${result.eventsPerSecond} events/s; the new projection is live\n`);
    return 0;
  } catch (error) {
    bar.stop();
    if (error instanceof RecomputeRunningError) {
      process.stderr.write('another recompute is running; see GET /analytics/recompute\n');
      return 3;
    }
    throw error;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
