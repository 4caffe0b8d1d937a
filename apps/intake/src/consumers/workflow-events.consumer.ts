import { Inject, Injectable } from '@nestjs/common';
import { decodeEvent, type AnyEvent } from '@app/contracts';
import { ConsumerFactory, ManagedConsumer, TOPIC_NAMES, type MessageConsumer, type TopicNames } from '@app/messaging';
import { DataSource } from 'typeorm';
import { ComplaintRepository } from '../complaints/complaint.repository';

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
    this.consumer = factory.create<AnyEvent>('workflow-events', {
      topics: [topics.events],
      decode: (message) => decodeEvent(message.value),
      handle: async (event) => {
        if (event.type === 'complaint.state_changed') {
          await complaints.applyStatus(dataSource.manager, event.payload.complaintId, event.payload.to, new Date(event.payload.at));
        } else if (event.type === 'complaint.ownership_changed') {
          await complaints.applyOwner(dataSource.manager, event.payload.complaintId, event.payload.toOwnerId, new Date(event.payload.at));
        }
      },
    });
  }
}
