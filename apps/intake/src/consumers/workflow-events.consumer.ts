import { Inject, Injectable } from '@nestjs/common';
import { decodeEvent, type AnyEvent } from '@app/contracts';
import { ConsumerFactory, ManagedConsumer, TOPIC_NAMES, type MessageConsumer, type TopicNames } from '@app/messaging';
import { DataSource, type EntityManager } from 'typeorm';
import { ComplaintRepository } from '../complaints/complaint.repository';

const FOLLOWED = new Set<string>(['complaint.state_changed', 'complaint.ownership_changed']);

/**
 * Keeps intake's complaint list current with workflow: the lifecycle state behind `status=` and the
 * owner behind `owner=me`. Updates are idempotent and never step back in time, so redelivered or
 * replayed events change nothing.
 */
@Injectable()
export class WorkflowEventsConsumer extends ManagedConsumer<AnyEvent> {
  protected readonly consumer: MessageConsumer<AnyEvent>;

  constructor(factory: ConsumerFactory, dataSource: DataSource, complaints: ComplaintRepository, @Inject(TOPIC_NAMES) topics: TopicNames) {
    super();
    const follow = async (manager: EntityManager, event: AnyEvent) => {
      if (event.type === 'complaint.state_changed') {
        await complaints.applyStatus(manager, event.payload.complaintId, event.payload.to, new Date(event.payload.at));
      } else if (event.type === 'complaint.ownership_changed') {
        await complaints.applyOwner(manager, event.payload.complaintId, event.payload.toOwnerId, new Date(event.payload.at));
      }
    };
    this.consumer = factory.create<AnyEvent>('workflow-events', {
      topics: [topics.events],
      // Most of the topic is other news (intake's own complaint.received among it): not even decoded.
      ignore: (message) => {
        const type = message.headers['event-type'];
        return type !== undefined && !FOLLOWED.has(type);
      },
      decode: (message) => decodeEvent(message.value),
      handle: (event) => follow(dataSource.manager, event),
      handleBatch: (items) =>
        dataSource.transaction(async (manager) => {
          for (const { value } of items) await follow(manager, value);
        }),
    });
  }
}
