import { Inject, Injectable } from '@nestjs/common';
import { decodeEvent, type AnyEvent } from '@app/contracts';
import { ConsumerFactory, ManagedConsumer, TOPIC_NAMES, type MessageConsumer, type TopicNames } from '@app/messaging';
import { DataSource } from 'typeorm';
import { ProjectionStore } from './projection-store';
import { Projector } from './projector';

/** Folds every event of the events topic into the live projection as it arrives. */
@Injectable()
export class LiveProjectionConsumer extends ManagedConsumer<AnyEvent> {
  protected readonly consumer: MessageConsumer<AnyEvent>;

  constructor(factory: ConsumerFactory, dataSource: DataSource, store: ProjectionStore, @Inject(TOPIC_NAMES) topics: TopicNames) {
    super();
    const projector = new Projector(store.schemas.live);
    const applyAll = (events: readonly AnyEvent[]) =>
      dataSource.transaction(async (manager) => {
        await store.lockForWriting(manager);
        await projector.applyAll(manager, events);
      });
    this.consumer = factory.create<AnyEvent>('projection', {
      topics: [topics.events],
      decode: (message) => decodeEvent(message.value),
      handle: (event) => applyAll([event]),
      // A run of events is one transaction and a few set-based statements, as in a recompute.
      handleBatch: (items) => applyAll(items.map((item) => item.value)),
    });
  }
}
