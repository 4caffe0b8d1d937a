import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { Topics, type TopicKey } from '@app/contracts';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { DeadLetterPublisher } from './consumer/dead-letter';
import { MessageConsumer, type MessageConsumerOptions } from './consumer/message-consumer';
import { createKafkaClient } from './kafka-client.factory';
import { OutboxRelay } from './outbox/outbox.relay';
import { KafkaProducer } from './producer/kafka-producer';

export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

/** The topic names a service uses: the declared ones, or a test's own. Inject with TOPIC_NAMES. */
export type TopicNames = Readonly<Record<TopicKey, string>>;
export const TOPIC_NAMES = Symbol('TOPIC_NAMES');

/** The declared topic names, with a prefix when the environment asks for one (KAFKA_TOPIC_PREFIX). */
export function declaredTopicNames(prefix = ''): TopicNames {
  return {
    hotline: `${prefix}${Topics.hotline.name}`,
    email: `${prefix}${Topics.email.name}`,
    instore: `${prefix}${Topics.instore.name}`,
    events: `${prefix}${Topics.events.name}`,
    deadLetter: `${prefix}${Topics.deadLetter.name}`,
  };
}

/** Builds the service's consumers with group ids that follow one naming rule. */
@Injectable()
export class ConsumerFactory {
  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly deadLetters: DeadLetterPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `<prefix>.<service>.<name>`, e.g. complaints.intake.hotline. */
  groupId(name: string): string {
    return `${this.config.kafka.groupPrefix}.${this.config.service.name}.${name}`;
  }

  create<T>(name: string, options: Omit<MessageConsumerOptions<T>, 'groupId'>): MessageConsumer<T> {
    return new MessageConsumer<T>(this.kafka, this.deadLetters, {
      sessionTimeoutMs: this.config.kafka.sessionTimeoutMs,
      partitionsConsumedConcurrently: this.config.kafka.partitionsConcurrency,
      ...options,
      groupId: this.groupId(name),
    });
  }
}

/** Publishes this service's outbox from start until shutdown, then drains what is left. */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  readonly relay: OutboxRelay;

  constructor(dataSource: DataSource, producer: KafkaProducer, @Inject(APP_CONFIG) config: AppConfig) {
    this.relay = new OutboxRelay(dataSource, producer, { pollMs: config.outbox.pollMs, batchSize: config.outbox.batchSize });
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    // Events written by the last in-flight work go out now rather than at the next start.
    await this.relay.drain().catch((error: unknown) => {
      this.logger.warn({ msg: 'outbox not drained at shutdown; the next start publishes it', error: String(error) });
    });
  }
}

@Injectable()
class ProducerLifecycle implements OnApplicationShutdown {
  constructor(private readonly producer: KafkaProducer) {}

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }
}

export interface MessagingModuleOptions {
  /** Run the outbox relay in this process (every service that writes events does). */
  readonly outboxRelay?: boolean;
  /** Tests run against topics of their own; services use the declared ones. */
  readonly topics?: Partial<TopicNames>;
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions = {}): DynamicModule {
    const relayProviders = options.outboxRelay === true ? [OutboxRelayService] : [];
    return {
      module: MessagingModule,
      providers: [
        {
          provide: TOPIC_NAMES,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig): TopicNames => ({ ...declaredTopicNames(config.kafka.topicPrefix), ...options.topics }),
        },
        {
          provide: KAFKA_CLIENT,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => createKafkaClient({ brokers: config.kafka.brokers, clientId: config.kafka.clientId }),
        },
        { provide: KafkaProducer, inject: [KAFKA_CLIENT], useFactory: (kafka: Kafka) => new KafkaProducer(kafka) },
        {
          provide: DeadLetterPublisher,
          inject: [KafkaProducer, TOPIC_NAMES],
          useFactory: (producer: KafkaProducer, topics: TopicNames) => new DeadLetterPublisher(producer, topics.deadLetter),
        },
        ConsumerFactory,
        ProducerLifecycle,
        ...relayProviders,
      ],
      exports: [TOPIC_NAMES, KAFKA_CLIENT, KafkaProducer, DeadLetterPublisher, ConsumerFactory, ...relayProviders],
    };
  }
}
