import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';

export interface OutgoingMessage {
  readonly key: string | null;
  readonly value: Buffer | string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One kafkajs producer per process: every send waits for all in-sync replicas (acks=-1), and one
 * request in flight keeps a key's messages in order across retries. Kafka's own Java-compatible
 * partitioner keeps a key on the same partition as other clients would put it.
 */
export interface SendOptions {
  /** gzip the batch: the broker's size limit applies to what it receives. */
  readonly compressed?: boolean;
}

export class KafkaProducer {
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;

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
    await this.connect();
    await this.producer.sendBatch({ topicMessages, acks: -1, ...(options.compressed === true ? { compression: CompressionTypes.GZIP } : {}) });
  }

  async disconnect(): Promise<void> {
    this.connected = null;
    await this.producer.disconnect();
  }
}

function toKafkaMessage(message: OutgoingMessage): Message {
  return { key: message.key, value: message.value, headers: message.headers ? { ...message.headers } : undefined };
}
