import { Topics } from '@app/contracts';
import type { KafkaProducer, OutgoingMessage } from '../producer/kafka-producer';

/** Where a message came from, as a consumer saw it. */
export interface SourceMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: string;
}

export interface DeadLetterReason {
  /** Machine-readable, e.g. `invalid_payload`, `unknown_type`, `handler_failed`. */
  readonly code: string;
  /** Human-readable detail: what was wrong with the message. */
  readonly message: string;
  readonly consumerGroup: string;
  readonly attempts: number;
}

export const DEAD_LETTER_HEADER = {
  code: 'dlq-reason-code',
  reason: 'dlq-reason',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  sourceTimestamp: 'dlq-source-timestamp',
  consumerGroup: 'dlq-consumer-group',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
  /** Set when the original bytes did not fit the topic even compressed: only their first part is kept. */
  truncatedFrom: 'dlq-truncated-from-bytes',
} as const;

/** What is kept of a message too large for the dead-letter topic even when compressed. */
export const TRUNCATED_VALUE_BYTES = 256 * 1024;

const MAX_REASON_LENGTH = 4000;

/**
 * The dead-letter record of a message: its original key and bytes untouched, its original headers,
 * and headers naming where it came from and why it was refused. Pure, so it is tested on its own.
 */
export function deadLetterRecord(source: SourceMessage, reason: DeadLetterReason, now: Date): OutgoingMessage {
  return {
    key: source.key === null ? null : source.key.toString('utf8'),
    value: source.value ?? Buffer.alloc(0),
    headers: {
      ...source.headers,
      [DEAD_LETTER_HEADER.code]: reason.code,
      [DEAD_LETTER_HEADER.reason]: reason.message.slice(0, MAX_REASON_LENGTH),
      [DEAD_LETTER_HEADER.sourceTopic]: source.topic,
      [DEAD_LETTER_HEADER.sourcePartition]: String(source.partition),
      [DEAD_LETTER_HEADER.sourceOffset]: source.offset,
      [DEAD_LETTER_HEADER.sourceTimestamp]: source.timestamp,
      [DEAD_LETTER_HEADER.consumerGroup]: reason.consumerGroup,
      [DEAD_LETTER_HEADER.attempts]: String(reason.attempts),
      [DEAD_LETTER_HEADER.failedAt]: now.toISOString(),
    },
  };
}

export class DeadLetterPublisher {
  constructor(
    private readonly producer: KafkaProducer,
    private readonly topic: string = Topics.deadLetter.name,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Publishes compressed: a message that reached a consumer compressed may exceed the broker's limit
   * uncompressed. If even that is refused as too large, the record keeps the first part of the bytes
   * and says how long they were, rather than blocking the partition for ever.
   */
  async publish(source: SourceMessage, reason: DeadLetterReason): Promise<void> {
    const record = deadLetterRecord(source, reason, this.clock());
    try {
      await this.producer.send(this.topic, [record], { compressed: true });
    } catch (error) {
      if (!isTooLarge(error) || source.value === null) throw error;
      await this.producer.send(this.topic, [truncated(record, source.value)], { compressed: true });
    }
  }
}

export function truncated(record: OutgoingMessage, value: Buffer): OutgoingMessage {
  return {
    ...record,
    value: value.subarray(0, TRUNCATED_VALUE_BYTES),
    headers: { ...record.headers, [DEAD_LETTER_HEADER.truncatedFrom]: String(value.length) },
  };
}

function isTooLarge(error: unknown): boolean {
  const type = (error as { type?: unknown; cause?: { type?: unknown } } | null)?.type ?? (error as { cause?: { type?: unknown } } | null)?.cause?.type;
  return type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE' || /too large/i.test(String((error as Error | null)?.message ?? ''));
}
