import { uniqueName } from '@app/testing/infrastructure';
import type { ConsumerRunConfig, Kafka } from 'kafkajs';
import { pollUntil } from './poll';

export interface Consumption {
  /** From connecting until the last message: includes joining the group. */
  readonly wallMs: number;
  /** From the first message to the last: the steady rate, without the group join. */
  readonly steadyMs: number;
  readonly read: number;
}

/** What a measured consumer's handlers report: a batch begun, and messages done with. */
export interface ConsumptionClock {
  begin(): void;
  done(messages: number): void;
}

/**
 * Runs a consumer of its own group over `topics` from the beginning until `total` messages were
 * handled (or the time is up), timing it; the group is deleted afterwards.
 */
export async function timedConsumption(
  kafka: Kafka,
  topics: readonly string[],
  total: number,
  options: { readonly concurrency: number; readonly timeoutMs: number; readonly prefix: string },
  handlers: (clock: ConsumptionClock) => Pick<ConsumerRunConfig, 'eachMessage' | 'eachBatch'>,
): Promise<Consumption> {
  const groupId = uniqueName(options.prefix);
  const consumer = kafka.consumer({ groupId });
  let read = 0;
  let firstAt = 0;
  let lastAt = 0;
  const clock: ConsumptionClock = {
    begin: () => {
      if (firstAt === 0) firstAt = Date.now();
    },
    done: (messages) => {
      read += messages;
      lastAt = Date.now();
    },
  };
  const started = Date.now();
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({ partitionsConsumedConcurrently: options.concurrency, ...handlers(clock) });
    await pollUntil(async () => read >= total, { timeoutMs: options.timeoutMs, intervalMs: 20 });
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  return { wallMs: lastAt - started, steadyMs: Math.max(1, lastAt - firstAt), read };
}

/** A kafkajs consumer that does nothing with the messages: what the broker and the client allow. */
export function rawConsumption(kafka: Kafka, topics: readonly string[], total: number, concurrency: number, timeoutMs: number): Promise<Consumption> {
  return timedConsumption(kafka, topics, total, { concurrency, timeoutMs, prefix: 'bench-raw' }, (clock) => ({
    eachMessage: async () => {
      clock.begin();
      clock.done(1);
    },
  }));
}
