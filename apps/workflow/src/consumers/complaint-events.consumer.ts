import { Inject, Injectable, Logger } from '@nestjs/common';
import { createEvent, decodeEvent, type AnyEvent } from '@app/contracts';
import { assignAtIntake, meetClock } from '@app/domain';
import { appendToOutbox, applyOnce, ConsumerFactory, ManagedConsumer, TOPIC_NAMES, type MessageConsumer, type TopicNames } from '@app/messaging';
import { DataSource, type EntityManager } from 'typeorm';
import { AlertsRepository } from '../alerts/alerts.repository';
import { WorkflowComplaintRepository } from '../complaints/workflow-complaint.repository';
import { EscalationService } from '../escalations/escalation.service';
import { SlaPolicyService, timersOf } from '../sla/sla-policy.service';
import type { TimerJob } from '../timers/timer-jobs';
import { TimerQueueService } from '../timers/timer-queue.service';

const CONSUMER = 'workflow.complaint-events';

type Received = Extract<AnyEvent, { type: 'complaint.received' }>;

/**
 * Opens the workflow side of every complaint intake announces: its first-responder owner (none for
 * email, which waits to be claimed), its first-response and resolution deadlines, and an immediate
 * escalation for a critical complaint. Applied once per event id, in one transaction with its events;
 * timers are scheduled after the commit (a crash in between is repaired by reconciliation).
 */
@Injectable()
export class ComplaintEventsConsumer extends ManagedConsumer<AnyEvent> {
  private readonly logger = new Logger(ComplaintEventsConsumer.name);
  protected readonly consumer: MessageConsumer<AnyEvent>;

  constructor(
    factory: ConsumerFactory,
    private readonly dataSource: DataSource,
    private readonly complaints: WorkflowComplaintRepository,
    private readonly policy: SlaPolicyService,
    private readonly escalations: EscalationService,
    private readonly timers: TimerQueueService,
    private readonly alerts: AlertsRepository,
    @Inject(TOPIC_NAMES) private readonly topics: TopicNames,
  ) {
    super();
    this.consumer = factory.create<AnyEvent>('complaint-events', {
      topics: [topics.events],
      // Only complaint.received opens anything: the rest of the topic is passed over undecoded.
      ignore: (message) => {
        const type = message.headers['event-type'];
        return type !== undefined && type !== 'complaint.received';
      },
      decode: (message) => decodeEvent(message.value),
      handle: (event) => this.openAll([event]),
      // A run of complaints opens in one transaction and schedules its timers in one call.
      handleBatch: (items) => this.openAll(items.map((item) => item.value)),
    });
  }

  private async openAll(events: readonly AnyEvent[]): Promise<void> {
    const received = events.filter((event): event is Received => event.type === 'complaint.received');
    if (received.length === 0) return;
    const now = new Date();
    const timers = await this.dataSource.transaction(async (manager) => {
      const all: TimerJob[] = [];
      for (const event of received) {
        const applied = await applyOnce(manager, CONSUMER, event.id, (tx) => this.open(tx, event, now));
        if (applied.applied) all.push(...applied.result);
      }
      return all;
    });
    await this.timers.schedule(timers, now);
  }

  private async open(manager: EntityManager, event: Received, now: Date): Promise<TimerJob[]> {
    const payload = event.payload;
    const receivedAt = new Date(payload.receivedAt);
    const firstRespondedAt = payload.firstRespondedAt === null ? null : new Date(payload.firstRespondedAt);
    const inserted = await this.complaints.insert(manager, {
      id: payload.complaintId,
      reference: payload.reference,
      channel: payload.channel,
      store_id: payload.storeId,
      category: payload.category,
      severity: payload.severity,
      customer_id: payload.customerId,
      // The hotline agent and the in-store staff member respond while taking the complaint.
      state: firstRespondedAt === null ? 'new' : 'acknowledged',
      owner_id: payload.firstResponderId,
      received_at: receivedAt,
      first_responded_at: firstRespondedAt,
    });
    if (!inserted) return [];

    const events = [];
    if (payload.firstResponderId !== null) {
      const change = assignAtIntake(payload.firstResponderId, receivedAt);
      events.push(
        createEvent(
          'complaint.ownership_changed',
          1,
          {
            complaintId: payload.complaintId,
            kind: change.kind,
            fromOwnerId: change.from,
            toOwnerId: change.to,
            actorId: change.by,
            reason: change.reason,
            at: change.at.toISOString(),
          },
          { producer: 'workflow', complaintId: payload.complaintId, causationId: event.id, correlationId: event.correlationId },
        ),
      );
      await this.complaints.history(manager, payload.complaintId, 'ownership.assigned', change.by, { to: change.to }, receivedAt);
    }
    await appendToOutbox(manager, events, this.topics.events);

    const calendar = await this.policy.calendarFor(manager, payload.channel, payload.storeId);
    let firstResponse = this.policy.start(
      payload.complaintId,
      calendar,
      'first_response',
      this.policy.targetMs(payload.severity, payload.channel, 'first_response'),
      receivedAt,
    );
    if (firstRespondedAt !== null) firstResponse = { ...firstResponse, clock: meetClock(firstResponse.clock, firstRespondedAt), warnAt: null };
    const resolution = this.policy.start(
      payload.complaintId,
      calendar,
      'resolution',
      this.policy.targetMs(payload.severity, payload.channel, 'resolution'),
      receivedAt,
    );
    await this.complaints.saveDeadline(manager, firstResponse);
    await this.complaints.saveDeadline(manager, resolution);

    const complaint = await this.complaints.find(manager, payload.complaintId);
    const escalation = complaint === null ? null : await this.escalations.apply(manager, complaint, { type: 'complaint_received' }, now, event.id);
    await this.alerts.insert(manager, escalation?.alerts ?? []);
    this.logger.log({ msg: 'complaint opened', complaintId: payload.complaintId, owner: payload.firstResponderId ?? 'unowned' });
    return [...timersOf(firstResponse), ...timersOf(resolution), ...(escalation?.timers ?? [])];
  }
}
