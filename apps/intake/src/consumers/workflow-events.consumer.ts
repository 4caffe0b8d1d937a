import { Inject, Injectable } from '@nestjs/common';
import { decodeEvent, type AnyEvent } from '@app/contracts';
import { ConsumerFactory, ManagedConsumer, TOPIC_NAMES, type MessageConsumer, type TopicNames } from '@app/messaging';
import { DataSource } from 'typeorm';
import { ComplaintRepository, type WorkflowChange } from '../complaints/complaint.repository';

const FOLLOWED = new Set<string>(['complaint.state_changed', 'complaint.ownership_changed']);

function workflowChange(event: AnyEvent): WorkflowChange[] {
  if (event.type === 'complaint.state_changed') return [{ complaintId: event.payload.complaintId, field: 'status', value: event.payload.to, at: new Date(event.payload.at) }];
  if (event.type === 'complaint.ownership_changed') {
    return [{ complaintId: event.payload.complaintId, field: 'owner_id', value: event.payload.toOwnerId, at: new Date(event.payload.at) }];
  }
  return [];
}

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
    // One statement for a whole run (see applyWorkflowChanges): no transaction to open and commit around it.
    const follow = (events: readonly AnyEvent[]) => complaints.applyWorkflowChanges(dataSource.manager, events.flatMap(workflowChange));
    this.consumer = factory.create<AnyEvent>('workflow-events', {
      topics: [topics.events],
      // Most of the topic is other news (intake's own complaint.received among it): not even decoded.
      ignore: (message) => {
        const type = message.headers['event-type'];
        return type !== undefined && !FOLLOWED.has(type);
      },
      decode: (message) => decodeEvent(message.value),
      handle: (event) => follow([event]),
      handleBatch: (items) => follow(items.map((item) => item.value)),
    });
  }
}
