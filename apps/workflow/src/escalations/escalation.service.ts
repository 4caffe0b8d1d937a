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

export interface EscalationRequest {
  readonly complaint: WorkflowComplaintRow;
  readonly event: EscalationEvent;
  /** The event that caused it (e.g. the breach), or null. */
  readonly causationId: string | null;
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
    const [outcome] = await this.applyMany(manager, [{ complaint, event, causationId }], now);
    return outcome ?? NOT_ESCALATED;
  }

  /**
   * `apply` for several complaints at once (each at most once), in a few statements whatever their
   * number; one outcome per request, in order. Events, history and alerts come in request order.
   */
  async applyMany(manager: EntityManager, requests: readonly EscalationRequest[], now: Date): Promise<EscalationOutcome[]> {
    if (requests.length === 0) return [];
    const ids = requests.map((request) => request.complaint.id);
    if (new Set(ids).size !== ids.length) throw new Error('applyMany takes each complaint at most once');
    // Only the climb of an unacknowledged level-1 escalation reads the level-1 row: opening and breaches skip it.
    const climbing = requests.filter((request) => request.event.type === 'level1_unacknowledged').map((request) => request.complaint.id);
    const level1Rows = (
      climbing.length === 0
        ? []
        : await manager.query('SELECT complaint_id, created_at, acknowledged_at FROM escalations WHERE complaint_id = ANY($1::uuid[]) AND level = 1', [climbing])
    ) as Array<{ complaint_id: string; created_at: Date; acknowledged_at: Date | null }>;
    const level1 = new Map(level1Rows.map((row) => [row.complaint_id, { escalatedAt: row.created_at, acknowledgedAt: row.acknowledged_at }]));
    const planned = requests.map((request) => {
      const { complaint } = request;
      const decision = escalationFor(request.event, {
        state: complaint.state,
        severity: complaint.severity as SeverityLevel,
        storeId: complaint.store_id,
        escalationLevel: complaint.escalation_level,
        level1: level1.get(complaint.id) ?? null,
      });
      if (decision === null) return null;
      const { target, reason } = decision;
      const storeId = target.audience === 'store_managers' ? target.storeId : complaint.store_id;
      return { request, target, reason, storeId, escalationId: randomUUID() };
    });
    const wanted = planned.filter((plan): plan is NonNullable<typeof plan> => plan !== null);
    if (wanted.length === 0) return requests.map(() => NOT_ESCALATED);

    const inserted = (await manager.query(
      `INSERT INTO escalations (id, complaint_id, level, audience, store_id, reason, created_at)
       SELECT e.id, e.complaint_id, e.level, e.audience, e.store_id, e.reason, $7
       FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[]) AS e(id, complaint_id, level, audience, store_id, reason)
       ON CONFLICT (complaint_id, level) DO NOTHING RETURNING id`,
      [
        wanted.map((plan) => plan.escalationId),
        wanted.map((plan) => plan.request.complaint.id),
        wanted.map((plan) => plan.target.level),
        wanted.map((plan) => plan.target.audience),
        wanted.map((plan) => plan.storeId),
        wanted.map((plan) => plan.reason),
        now,
      ],
    )) as Array<{ id: string }>;
    const insertedIds = new Set(inserted.map((row) => row.id));
    const escalated = wanted.filter((plan) => insertedIds.has(plan.escalationId));
    if (escalated.length === 0) return requests.map(() => NOT_ESCALATED);

    await this.complaints.raiseEscalationLevels(
      manager,
      escalated.map((plan) => ({ complaintId: plan.request.complaint.id, level: plan.target.level })),
    );
    const outcomes = new Map<string, EscalationOutcome>();
    const events = escalated.map((plan) => {
      const { complaint, causationId } = plan.request;
      const { target, reason, storeId, escalationId } = plan;
      const event = createEvent(
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
      const alert: NewAlert = {
        dedupKey: `complaint.escalated:${complaint.id}:${target.level}`,
        kind: 'complaint.escalated',
        complaintId: complaint.id,
        storeId,
        severity: complaint.severity,
        detail: { escalationId, level: target.level, audience: target.audience, reason, reference: complaint.reference, ownerId: complaint.owner_id },
        at: now,
      };
      const acknowledgeBy = level1AcknowledgementDueAt(now, this.acknowledgeWithinMs).toISOString();
      const timers: TimerJob[] =
        target.level === 1 ? [{ name: 'escalation-unacknowledged', data: { escalationId, complaintId: complaint.id, at: acknowledgeBy } }] : [];
      outcomes.set(escalationId, { escalated: true, alerts: [alert], timers });
      return event;
    });
    await appendToOutbox(manager, events, this.topics.events);
    await this.complaints.historyMany(
      manager,
      escalated.map((plan) => ({
        complaintId: plan.request.complaint.id,
        kind: 'complaint.escalated',
        actor: null,
        detail: { level: plan.target.level, audience: plan.target.audience, reason: plan.reason },
      })),
      now,
    );
    return planned.map((plan) => (plan === null ? NOT_ESCALATED : (outcomes.get(plan.escalationId) ?? NOT_ESCALATED)));
  }
}
