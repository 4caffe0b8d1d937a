import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer, type TopicMessages } from 'kafkajs';
import { CoalescingWriter } from '../support/coalescing-writer';

export interface OutgoingMessage {
  readonly key: string | null;
  readonly value: Buffer | string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SendOptions {
  /** gzip the batch: the broker's size limit applies to what it receives. */
  readonly compressed?: boolean;
}

interface QueuedSend {
  readonly topicMessages: readonly TopicMessages[];
  readonly compressed: boolean;
  readonly bytes: number;
}

/**
 * Sends queued while a request is in flight travel together in the next one, up to this many bytes
 * of values: well under the broker's default 1 MiB per record batch.
 */
const MAX_COALESCED_BYTES = 512 * 1024;

/**
 * One kafkajs producer per process: every send waits for all in-sync replicas (acks=-1), and one
 * request in flight keeps a key's messages in order across retries. Kafka's own Java-compatible
 * partitioner keeps a key on the same partition as other clients would put it.
 *
 * Concurrent sends are coalesced: while one request is in flight, the sends that arrive queue up
 * and leave together in the next request, in the order they were made, and each caller's promise
 * settles when the broker acknowledged its messages. A hundred API calls at once cost a few round
 * trips instead of a hundred, and a key's order is still the order of the sends.
 */
export class KafkaProducer {
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;
  private readonly sends = new CoalescingWriter<QueuedSend, void>({
    write: async (group) => {
      await this.sendNow(group);
      return group.map(() => undefined);
    },
    takeFrom: coalescable,
  });
  /** Set by disconnect, cleared by connect: sends do not reopen a producer that was closed. */
  private closed = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      maxInFlightRequests: 1,
      idempotent: false,
    });
    this.producer.on('producer.disconnect', () => {
      this.connected = null;
    });
  }

  async connect(): Promise<void> {
    this.closed = false;
    await this.open();
  }

  private async open(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = null;
      throw error;
    });
    await this.connected;
  }

  async send(topic: string, messages: readonly OutgoingMessage[], options: SendOptions = {}): Promise<void> {
    await this.sendBatch([{ topic, messages }], options);
  }

  /** Sends to several topics at once; order within each topic is the order given. */
  async sendBatch(batches: ReadonlyArray<{ topic: string; messages: readonly OutgoingMessage[] }>, options: SendOptions = {}): Promise<void> {
    const topicMessages = batches
      .filter((batch) => batch.messages.length > 0)
      .map((batch) => ({ topic: batch.topic, messages: batch.messages.map(toKafkaMessage) }));
    if (topicMessages.length === 0) return;
    const bytes = batches.reduce((sum, batch) => sum + batch.messages.reduce((size, message) => size + Buffer.byteLength(message.value), 0), 0);
    await this.sends.submit({ topicMessages, compressed: options.compressed === true, bytes });
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    this.connected = null;
    this.sends.rejectQueued(new Error('the producer was disconnected before this send'));
    await this.producer.disconnect();
  }

  private async sendNow(group: readonly QueuedSend[]): Promise<void> {
    if (this.closed) throw new Error('the producer was disconnected before this send');
    await this.open();
    await this.producer.sendBatch({
      topicMessages: mergeByTopic(group),
      acks: -1,
      ...(group[0]?.compressed === true ? { compression: CompressionTypes.GZIP } : {}),
    });
  }
}

/** How many sends from the queue's head can share one request: same compression, size bounded. */
function coalescable(queue: readonly QueuedSend[]): number {
  const first = queue[0];
  if (first === undefined) return 0;
  let bytes = first.bytes;
  let count = 1;
  while (count < queue.length) {
    const next = queue[count]!;
    if (next.compressed !== first.compressed || bytes + next.bytes > MAX_COALESCED_BYTES) break;
    bytes += next.bytes;
    count += 1;
  }
  return count;
}

/** One entry per topic, each topic's messages in the order of the sends. */
export function mergeByTopic(group: ReadonlyArray<{ readonly topicMessages: readonly TopicMessages[] }>): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const pending of group) {
    for (const { topic, messages } of pending.topicMessages) {
      const merged = byTopic.get(topic) ?? [];
      merged.push(...messages);
      byTopic.set(topic, merged);
    }
  }
  return [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages }));
}

function toKafkaMessage(message: OutgoingMessage): Message {
  return { key: message.key, value: message.value, headers: message.headers ? { ...message.headers } : undefined };
}
