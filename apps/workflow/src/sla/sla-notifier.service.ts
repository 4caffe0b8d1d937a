import { Inject, Injectable, Logger } from '@nestjs/common';
import { createEvent } from '@app/contracts';
import { appendToOutbox, TOPIC_NAMES, type TopicNames } from '@app/messaging';
import { DataSource } from 'typeorm';
import { AlertsRepository, type NewAlert } from '../alerts/alerts.repository';
import { EscalationService } from '../escalations/escalation.service';
import { TimerQueueService, type TimerOutcome } from '../timers/timer-queue.service';
import type { DeadlineTimer, TimerJob } from '../timers/timer-jobs';
import { WorkflowComplaintRepository } from '../complaints/workflow-complaint.repository';

const PRODUCER = 'workflow';

/**
 * Fires a deadline's warning or breach. It re-reads the deadline under a row lock and acts only if the
 * timer is still current (same version), the deadline unmet and not yet notified; otherwise it answers
 * "skipped". The notification, its alert and any escalation commit together with the event, so one
 * deadline gives one warning and one breach whatever the retries or duplicate timers.
 */
@Injectable()
export class SlaNotifierService {
  private readonly logger = new Logger(SlaNotifierService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly complaints: WorkflowComplaintRepository,
    private readonly alerts: AlertsRepository,
    private readonly escalations: EscalationService,
    private readonly timers: TimerQueueService,
    @Inject(TOPIC_NAMES) private readonly topics: TopicNames,
  ) {}

  async fire(timer: DeadlineTimer, now: Date = new Date()): Promise<TimerOutcome> {
    const followUps: TimerJob[] = [];
    const outcome = await this.dataSource.transaction(async (manager): Promise<TimerOutcome> => {
      followUps.length = 0;
      const deadline = await this.complaints.deadline(manager, timer.complaintId, timer.kind, true);
      if (deadline === null || deadline.version !== timer.version || deadline.met_at !== null || deadline.paused_at !== null) return 'skipped';
      const notifiedAt = timer.phase === 'warning' ? deadline.warned_at : deadline.breached_at;
      if (notifiedAt !== null || (timer.phase === 'warning' && deadline.breached_at !== null)) return 'skipped';
      const complaint = await this.complaints.find(manager, timer.complaintId);
      if (complaint === null || complaint.state === 'closed') return 'skipped';
      if (deadline.due_at === null) return 'skipped';
      // A warning that comes due only after its deadline (a restart, a lost Redis) has nothing left to warn of.
      if (timer.phase === 'warning' && now >= deadline.due_at) return 'skipped';

      await this.complaints.markNotified(manager, timer.complaintId, timer.kind, timer.phase, now);
      const base = {
        complaintId: complaint.id,
        kind: timer.kind,
        cycle: deadline.cycle,
        dueAt: deadline.due_at.toISOString(),
        storeId: complaint.store_id,
        severity: complaint.severity,
        ownerId: complaint.owner_id,
      };
      const event =
        timer.phase === 'warning'
          ? createEvent('sla.warning', 1, { ...base, warnedAt: now.toISOString() }, { producer: PRODUCER, complaintId: complaint.id })
          : createEvent('sla.breached', 1, { ...base, breachedAt: now.toISOString() }, { producer: PRODUCER, complaintId: complaint.id });
      await appendToOutbox(manager, [event], this.topics.events);
      await this.complaints.history(manager, complaint.id, event.type, null, { kind: timer.kind, cycle: deadline.cycle }, now);
      const alert: NewAlert = {
        dedupKey: `${event.type}:${complaint.id}:${timer.kind}:${deadline.cycle}`,
        kind: event.type,
        complaintId: complaint.id,
        storeId: complaint.store_id,
        severity: complaint.severity,
        detail: { ...base, reference: complaint.reference, eventId: event.id, lateByMs: now.getTime() - new Date(timer.at).getTime() },
        at: now,
      };
      if (timer.phase === 'warning') {
        await this.alerts.insert(manager, [alert]);
        return 'fired';
      }
      const escalation = await this.escalations.apply(manager, complaint, { type: 'sla_breached', kind: timer.kind }, now, event.id);
      followUps.push(...escalation.timers);
      await this.alerts.insert(manager, [alert, ...escalation.alerts]);
      return 'fired';
    });
    if (outcome === 'fired') {
      this.logger.log({ msg: `SLA ${timer.phase}`, complaintId: timer.complaintId, kind: timer.kind, lateByMs: now.getTime() - new Date(timer.at).getTime() });
    }
    // After the commit: a crash before this line loses no timer, reconciliation rebuilds it.
    await this.timers.schedule(followUps, now);
    return outcome;
  }
}
