import { Inject, Injectable, Logger } from '@nestjs/common';
import { createEvent, decodeEvent, type AnyEvent } from '@app/contracts';
import { ALWAYS_OPEN, assignAtIntake, meetClock, type DeadlineKind } from '@app/domain';
import { appendToOutbox, claimUnprocessed, ConsumerFactory, ManagedConsumer, TOPIC_NAMES, type MessageConsumer, type TopicNames } from '@app/messaging';
import { DataSource, type EntityManager } from 'typeorm';
import { AlertsRepository } from '../alerts/alerts.repository';
import { WorkflowComplaintRepository, type HistoryEntry } from '../complaints/workflow-complaint.repository';
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
      const unprocessed = await claimUnprocessed(manager, CONSUMER, received.map((event) => event.id));
      // The first event of each complaint opens it; a redelivered event or a second one for the same complaint does nothing.
      const first = new Map<string, Received>();
      for (const event of received) {
        if (unprocessed.has(event.id) && !first.has(event.payload.complaintId)) first.set(event.payload.complaintId, event);
      }
      return this.open(manager, [...first.values()], now);
    });
    await this.timers.schedule(timers, now);
  }

  /** Opens the complaints not opened yet, a few statements for the whole run; returns the timers to schedule. */
  private async open(manager: EntityManager, events: readonly Received[], now: Date): Promise<TimerJob[]> {
    if (events.length === 0) return [];
    const inserted = await this.complaints.insertMany(
      manager,
      events.map(({ payload }) => ({
        id: payload.complaintId,
        reference: payload.reference,
        channel: payload.channel,
        store_id: payload.storeId,
        category: payload.category,
        severity: payload.severity,
        customer_id: payload.customerId,
        // The hotline agent and the in-store staff member respond while taking the complaint.
        state: payload.firstRespondedAt === null ? 'new' : 'acknowledged',
        owner_id: payload.firstResponderId,
        received_at: new Date(payload.receivedAt),
        first_responded_at: payload.firstRespondedAt === null ? null : new Date(payload.firstRespondedAt),
      })),
    );
    // As stored: the escalation rules read the row's defaults (level, state) too.
    const rows = new Map(inserted.map((row) => [row.id, row]));
    const opened = events.filter((event) => rows.has(event.payload.complaintId));
    if (opened.length === 0) return [];

    const ownership: AnyEvent[] = [];
    const history: HistoryEntry[] = [];
    for (const event of opened) {
      const { payload } = event;
      if (payload.firstResponderId === null) continue;
      const change = assignAtIntake(payload.firstResponderId, new Date(payload.receivedAt));
      ownership.push(
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
      history.push({ complaintId: payload.complaintId, kind: 'ownership.assigned', actor: change.by, detail: { to: change.to }, at: new Date(payload.receivedAt) });
    }
    await this.complaints.historyEntries(manager, history);
    await appendToOutbox(manager, ownership, this.topics.events);

    const calendars = await this.policy.calendarsFor(manager, opened.map(({ payload }) => ({ channel: payload.channel, storeId: payload.storeId })));
    const deadlines = opened.flatMap(({ payload }, index) => {
      const calendar = calendars[index] ?? ALWAYS_OPEN;
      const receivedAt = new Date(payload.receivedAt);
      const target = (kind: DeadlineKind) => this.policy.targetMs(payload.severity, payload.channel, kind);
      let firstResponse = this.policy.start(payload.complaintId, calendar, 'first_response', target('first_response'), receivedAt);
      if (payload.firstRespondedAt !== null) {
        firstResponse = { ...firstResponse, clock: meetClock(firstResponse.clock, new Date(payload.firstRespondedAt)), warnAt: null };
      }
      return [firstResponse, this.policy.start(payload.complaintId, calendar, 'resolution', target('resolution'), receivedAt)];
    });
    await this.complaints.saveDeadlines(manager, deadlines);

    const escalations = await this.escalations.applyMany(
      manager,
      opened.flatMap((event) => {
        const complaint = rows.get(event.payload.complaintId);
        return complaint === undefined ? [] : [{ complaint, event: { type: 'complaint_received' } as const, causationId: event.id }];
      }),
      now,
    );
    await this.alerts.insert(
      manager,
      escalations.flatMap((escalation) => escalation.alerts),
    );
    for (const { payload } of opened) this.logger.log({ msg: 'complaint opened', complaintId: payload.complaintId, owner: payload.firstResponderId ?? 'unowned' });
    return [...deadlines.flatMap(timersOf), ...escalations.flatMap((escalation) => escalation.timers)];
  }
}
