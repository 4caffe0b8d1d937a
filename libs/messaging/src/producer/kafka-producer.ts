import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer, type TopicMessages } from 'kafkajs';
import { classifyFailure } from '../consumer/errors';

export interface OutgoingMessage {
  readonly key: string | null;
  readonly value: Buffer | string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SendOptions {
  /** gzip the batch: the broker's size limit applies to what it receives. */
  readonly compressed?: boolean;
}

interface PendingSend {
  readonly topicMessages: readonly TopicMessages[];
  readonly compressed: boolean;
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
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
  private readonly queue: PendingSend[] = [];
  private flushing = false;
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
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ topicMessages, compressed: options.compressed === true, bytes, resolve, reject });
      void this.flush();
    });
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    this.connected = null;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('the producer was disconnected before this send'));
    await this.producer.disconnect();
  }

  /** Sends what is queued, one request at a time, until the queue is empty. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const group = takeCoalescable(this.queue);
        try {
          await this.sendNow(group);
          for (const pending of group) pending.resolve();
        } catch (error) {
          await this.settleAlone(group, error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * A coalesced request failed. If the broker or the network is at fault, every caller retries its
   * own way; otherwise one caller's messages may be the cause (too large, say), so each send is
   * tried alone and only the guilty one fails.
   */
  private async settleAlone(group: readonly PendingSend[], error: unknown): Promise<void> {
    if (group.length === 1 || classifyFailure(error) === 'transient') {
      for (const pending of group) pending.reject(error);
      return;
    }
    for (const pending of group) {
      try {
        await this.sendNow([pending]);
        pending.resolve();
      } catch (own) {
        pending.reject(own);
      }
    }
  }

  private async sendNow(group: readonly PendingSend[]): Promise<void> {
    if (this.closed) throw new Error('the producer was disconnected before this send');
    await this.open();
    await this.producer.sendBatch({
      topicMessages: mergeByTopic(group),
      acks: -1,
      ...(group[0]?.compressed === true ? { compression: CompressionTypes.GZIP } : {}),
    });
  }
}

/** The queue's head and the sends after it that can share its request: same compression, size bounded. */
function takeCoalescable(queue: PendingSend[]): PendingSend[] {
  const first = queue.shift();
  if (first === undefined) return [];
  const group = [first];
  let bytes = first.bytes;
  while (queue.length > 0) {
    const next = queue[0];
    if (next.compressed !== first.compressed || bytes + next.bytes > MAX_COALESCED_BYTES) break;
    group.push(next);
    bytes += next.bytes;
    queue.shift();
  }
  return group;
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
