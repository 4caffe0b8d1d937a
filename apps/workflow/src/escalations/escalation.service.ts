import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { createEvent } from '@app/contracts';
import { escalationFor, level1AcknowledgementDueAt, type EscalationEvent, type SeverityLevel } from '@app/domain';
import { appendToOutbox, TOPIC_NAMES, type TopicNames } from '@app/messaging';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { NewAlert } from '../alerts/alerts.repository';
import { WorkflowComplaintRepository, type WorkflowComplaintRow } from '../complaints/workflow-complaint.repository';
import type { TimerJob } from '../timers/timer-jobs';

export interface EscalationOutcome {
  readonly escalated: boolean;
  /** The alert to raise, in the caller's transaction after its own (the stream shows them in that order). */
  readonly alerts: readonly NewAlert[];
  /** Timers to schedule once the transaction commits. */
  readonly timers: readonly TimerJob[];
}

const NOT_ESCALATED: EscalationOutcome = { escalated: false, alerts: [], timers: [] };

/**
 * Applies the escalation ladder of libs/domain (escalation.ts) to a stored complaint: records the
 * escalation, raises the complaint's level and announces it, in the caller's
 * transaction. Escalation never removes the owner and never goes down; a level reached twice is one.
 */
@Injectable()
export class EscalationService {
  readonly acknowledgeWithinMs: number;

  constructor(
    private readonly complaints: WorkflowComplaintRepository,
    @Inject(TOPIC_NAMES) private readonly topics: TopicNames,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.acknowledgeWithinMs = config.workflow.escalationAcknowledgeMs;
  }

  /** Escalates if `event` calls for it; the timers it returns are scheduled once the transaction commits. */
  async apply(
    manager: EntityManager,
    complaint: WorkflowComplaintRow,
    event: EscalationEvent,
    now: Date,
    causationId: string | null,
  ): Promise<EscalationOutcome> {
    const [level1] = (await manager.query('SELECT created_at, acknowledged_at FROM escalations WHERE complaint_id = $1 AND level = 1', [
      complaint.id,
    ])) as Array<{ created_at: Date; acknowledged_at: Date | null }>;
    const decision = escalationFor(event, {
      state: complaint.state,
      severity: complaint.severity as SeverityLevel,
      storeId: complaint.store_id,
      escalationLevel: complaint.escalation_level,
      level1: level1 === undefined ? null : { escalatedAt: level1.created_at, acknowledgedAt: level1.acknowledged_at },
    });
    if (decision === null) return NOT_ESCALATED;
    const { target, reason } = decision;
    const storeId = target.audience === 'store_managers' ? target.storeId : complaint.store_id;
    const escalationId = randomUUID();
    const inserted = (await manager.query(
      `INSERT INTO escalations (id, complaint_id, level, audience, store_id, reason, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (complaint_id, level) DO NOTHING RETURNING id`,
      [escalationId, complaint.id, target.level, target.audience, storeId, reason, now],
    )) as unknown[];
    if (inserted.length === 0) return NOT_ESCALATED;
    await this.complaints.update(manager, complaint.id, { escalation_level: target.level });
    const escalated = createEvent(
      'complaint.escalated',
      1,
      {
        complaintId: complaint.id,
        escalationId,
        level: target.level,
        audience: target.audience,
        storeId,
        reason,
        ownerId: complaint.owner_id,
        at: now.toISOString(),
      },
      { producer: 'workflow', complaintId: complaint.id, causationId },
    );
    await appendToOutbox(manager, [escalated], this.topics.events);
    const alert: NewAlert = {
      dedupKey: `complaint.escalated:${complaint.id}:${target.level}`,
      kind: 'complaint.escalated',
      complaintId: complaint.id,
      storeId,
      severity: complaint.severity,
      detail: { escalationId, level: target.level, audience: target.audience, reason, reference: complaint.reference, ownerId: complaint.owner_id },
      at: now,
    };
    await this.complaints.history(manager, complaint.id, 'complaint.escalated', null, { level: target.level, audience: target.audience, reason }, now);
    if (target.level !== 1) return { escalated: true, alerts: [alert], timers: [] };
    const at = level1AcknowledgementDueAt(now, this.acknowledgeWithinMs).toISOString();
    return { escalated: true, alerts: [alert], timers: [{ name: 'escalation-unacknowledged', data: { escalationId, complaintId: complaint.id, at } }] };
  }
}
