import { isDissatisfied, type AnyEvent } from '@app/contracts';
import { assertSchemaName } from '@app/persistence';
import type { EntityManager } from 'typeorm';

type EventOf<T extends AnyEvent['type']> = Extract<AnyEvent, { type: T }>;

/**
 * Folds one event into a projection schema, in the caller's transaction, at most once per event id.
 * Every write is an upsert keyed by the complaint, customer, survey or purchase it concerns, so the
 * projection does not depend on which consumer, replay or recompute applied the events.
 */
export class Projector {
  private readonly s: string;

  constructor(schema: string) {
    this.s = `"${assertSchemaName(schema)}"`;
  }

  /** Applies the event unless this projection has already applied it; returns whether it did. */
  async apply(manager: EntityManager, event: AnyEvent): Promise<boolean> {
    const fresh = (await manager.query(`INSERT INTO ${this.s}.applied_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id`, [
      event.id,
    ])) as unknown[];
    if (fresh.length === 0) return false;
    switch (event.type) {
      case 'complaint.received':
        await this.received(manager, event);
        break;
      case 'complaint.state_changed':
        await this.stateChanged(manager, event);
        break;
      case 'sla.breached':
        await this.breached(manager, event);
        break;
      case 'complaint.escalated':
        await this.escalated(manager, event);
        break;
      case 'survey.responded':
        await this.surveyed(manager, event);
        break;
      case 'customer.purchased':
        await this.purchased(manager, event);
        break;
      case 'customer.churned':
        await this.churned(manager, event);
        break;
      default:
        // Ownership, notes, warnings and acknowledgements do not enter the figures.
        break;
    }
    return true;
  }

  private async ensureComplaint(manager: EntityManager, complaintId: string): Promise<void> {
    await manager.query(`INSERT INTO ${this.s}.complaints (complaint_id) VALUES ($1) ON CONFLICT DO NOTHING`, [complaintId]);
  }

  private async received(manager: EntityManager, event: EventOf<'complaint.received'>): Promise<void> {
    const p = event.payload;
    await manager.query(
      `INSERT INTO ${this.s}.complaints (complaint_id, customer_id, channel, store_id, category, severity, received_at, first_response_at, state, state_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7)
       ON CONFLICT (complaint_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, channel = EXCLUDED.channel, store_id = EXCLUDED.store_id,
         category = EXCLUDED.category, severity = EXCLUDED.severity, received_at = EXCLUDED.received_at,
         first_response_at = LEAST(${this.s}.complaints.first_response_at, EXCLUDED.first_response_at),
         state = COALESCE(${this.s}.complaints.state, EXCLUDED.state), state_at = COALESCE(${this.s}.complaints.state_at, EXCLUDED.state_at)`,
      [p.complaintId, p.customerId, p.channel, p.storeId, p.category, p.severity, p.receivedAt, p.firstRespondedAt, p.firstRespondedAt === null ? 'new' : 'acknowledged'],
    );
    if (p.firstRespondedAt !== null) {
      // Responded while registering it: the first response used no time at all.
      await this.deadlineMet(manager, p.complaintId, { kind: 'first_response', cycle: 1, targetMs: null, businessMs: 0, dueAt: null, at: p.firstRespondedAt });
    }
  }

  private async deadlineMet(
    manager: EntityManager,
    complaintId: string,
    met: { kind: string; cycle: number; targetMs: number | null; businessMs: number; dueAt: string | null; at: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.s}.deadlines (complaint_id, kind, cycle, target_ms, due_at, met_at, business_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (complaint_id, kind, cycle) DO UPDATE SET target_ms = COALESCE(EXCLUDED.target_ms, ${this.s}.deadlines.target_ms),
         due_at = COALESCE(EXCLUDED.due_at, ${this.s}.deadlines.due_at), met_at = EXCLUDED.met_at, business_ms = EXCLUDED.business_ms`,
      [complaintId, met.kind, met.cycle, met.targetMs, met.dueAt, met.at, met.businessMs],
    );
  }

  private async stateChanged(manager: EntityManager, event: EventOf<'complaint.state_changed'>): Promise<void> {
    const p = event.payload;
    await this.ensureComplaint(manager, p.complaintId);
    const compensation = p.resolution?.compensation ?? null;
    await manager.query(
      `UPDATE ${this.s}.complaints SET
         state = CASE WHEN state_at IS NULL OR state_at <= $3 THEN $2 ELSE state END,
         state_at = GREATEST(state_at, $3),
         resolved_at = CASE WHEN $2 = 'resolved' THEN GREATEST(resolved_at, $3) ELSE resolved_at END,
         closed_at = CASE WHEN $2 = 'closed' THEN $3 ELSE closed_at END,
         reopen_count = reopen_count + CASE WHEN $2 = 'reopened' THEN 1 ELSE 0 END,
         pauses = pauses + CASE WHEN $2 = 'waiting_customer' THEN 1 ELSE 0 END,
         waited_ms = waited_ms + CASE WHEN $4 = 'waiting_customer' AND waiting_since IS NOT NULL
           THEN GREATEST(0, (extract(epoch FROM ($3 - waiting_since)) * 1000)::bigint) ELSE 0 END,
         longest_wait_ms = GREATEST(longest_wait_ms, CASE WHEN $4 = 'waiting_customer' AND waiting_since IS NOT NULL
           THEN (extract(epoch FROM ($3 - waiting_since)) * 1000)::bigint ELSE 0 END),
         waiting_since = CASE WHEN $2 = 'waiting_customer' THEN $3 WHEN $4 = 'waiting_customer' THEN NULL ELSE waiting_since END,
         compensation_type = COALESCE($5, compensation_type),
         compensation_amount = COALESCE($6, compensation_amount),
         compensation_currency = COALESCE($7, compensation_currency)
       WHERE complaint_id = $1`,
      [p.complaintId, p.to, p.at, p.from, compensation?.type ?? null, compensation?.amount ?? null, compensation?.currency ?? null],
    );
    for (const met of p.deadlinesMet ?? []) {
      await this.deadlineMet(manager, p.complaintId, { ...met, at: p.at });
      if (met.kind === 'first_response') {
        // LEAST ignores NULL: the first response is the earliest one announced.
        await manager.query(`UPDATE ${this.s}.complaints SET first_response_at = LEAST(first_response_at, $2) WHERE complaint_id = $1`, [p.complaintId, p.at]);
      }
    }
  }

  private async breached(manager: EntityManager, event: EventOf<'sla.breached'>): Promise<void> {
    const p = event.payload;
    await this.ensureComplaint(manager, p.complaintId);
    await manager.query(
      `INSERT INTO ${this.s}.deadlines (complaint_id, kind, cycle, due_at, breached_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (complaint_id, kind, cycle) DO UPDATE SET due_at = EXCLUDED.due_at,
         breached_at = LEAST(${this.s}.deadlines.breached_at, EXCLUDED.breached_at)`,
      [p.complaintId, p.kind, p.cycle, p.dueAt, p.breachedAt],
    );
  }

  private async escalated(manager: EntityManager, event: EventOf<'complaint.escalated'>): Promise<void> {
    const p = event.payload;
    await this.ensureComplaint(manager, p.complaintId);
    await manager.query(
      `UPDATE ${this.s}.complaints SET escalations = escalations + 1, highest_escalation = GREATEST(highest_escalation, $2) WHERE complaint_id = $1`,
      [p.complaintId, p.level],
    );
  }

  private async surveyed(manager: EntityManager, event: EventOf<'survey.responded'>): Promise<void> {
    const p = event.payload;
    const score = p.score;
    const satisfaction = score === undefined || score.max <= score.min ? null : Math.min(1, Math.max(0, (score.value - score.min) / (score.max - score.min)));
    await manager.query(
      `INSERT INTO ${this.s}.surveys (survey_id, customer_id, sampled_at, dissatisfied, satisfaction, dimensions)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (survey_id) DO NOTHING`,
      [p.surveyId, p.customerId, p.sampledAt, isDissatisfied(p), satisfaction, p.dimensions === undefined ? null : JSON.stringify(p.dimensions)],
    );
  }

  private async purchased(manager: EntityManager, event: EventOf<'customer.purchased'>): Promise<void> {
    const p = event.payload;
    await manager.query(
      `INSERT INTO ${this.s}.purchases (purchase_id, customer_id, store_id, amount, currency, at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (purchase_id) DO NOTHING`,
      [p.purchaseId, p.customerId, p.storeId, p.amount, p.currency, p.at],
    );
  }

  private async churned(manager: EntityManager, event: EventOf<'customer.churned'>): Promise<void> {
    const p = event.payload;
    await manager.query(
      `INSERT INTO ${this.s}.churns (customer_id, at) VALUES ($1, $2) ON CONFLICT (customer_id) DO UPDATE SET at = LEAST(${this.s}.churns.at, EXCLUDED.at)`,
      [p.customerId, p.at],
    );
  }
}
