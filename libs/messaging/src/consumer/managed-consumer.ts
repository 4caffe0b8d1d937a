import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { MessageConsumer } from './message-consumer';

/**
 * A Nest provider that owns one MessageConsumer: it starts consuming once the whole application is
 * up (so handlers find every dependency ready) and stops first at shutdown, finishing the message in
 * hand and committing before the database and producer close.
 */
export abstract class ManagedConsumer<T> implements OnApplicationBootstrap, OnModuleDestroy {
  protected abstract readonly consumer: MessageConsumer<T>;

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }
}
