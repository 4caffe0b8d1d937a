import { isDissatisfied, type AnyEvent } from '@app/contracts';
import { assertSchemaName } from '@app/persistence';
import type { EntityManager } from 'typeorm';

type EventOf<T extends AnyEvent['type']> = Extract<AnyEvent, { type: T }>;

/** A row of a multi-row statement: one value per column, in the statement's column order. */
type Row = ReadonlyArray<string | number | boolean | null>;

interface DeadlineMetRow {
  readonly complaintId: string;
  readonly kind: string;
  readonly cycle: number;
  readonly targetMs: number | null;
  readonly dueAt: string | null;
  readonly at: string;
  readonly businessMs: number;
}

/**
 * Splits items into groups in which no key appears twice, keeping each key's order: the n-th item of a
 * key goes to group n.
 */
function byOccurrence<T>(items: readonly T[], key: (item: T) => string | null): T[][] {
  const seen = new Map<string, number>();
  const groups: T[][] = [];
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const index = seen.get(k) ?? 0;
    seen.set(k, index + 1);
    (groups[index] ??= []).push(item);
  }
  return groups;
}

/** The rows an event writes are all keyed by this: events of different subjects never write the same row. */
function subjectOf(event: AnyEvent): string | null {
  switch (event.type) {
    case 'complaint.received':
    case 'complaint.state_changed':
    case 'sla.breached':
    case 'complaint.escalated':
      return `complaint:${event.payload.complaintId.toLowerCase()}`;
    case 'survey.responded':
      return `survey:${event.payload.surveyId.toLowerCase()}`;
    case 'customer.purchased':
      return `purchase:${event.payload.purchaseId.toLowerCase()}`;
    case 'customer.churned':
      return `churn:${event.payload.customerId.toLowerCase()}`;
    default:
      // Ownership, notes, warnings and acknowledgements do not enter the figures.
      return null;
  }
}

/** Events that update their complaint's row, which must exist first. */
function needsComplaintRow(event: AnyEvent): event is EventOf<'complaint.state_changed' | 'sla.breached' | 'complaint.escalated'> {
  return event.type === 'complaint.state_changed' || event.type === 'sla.breached' || event.type === 'complaint.escalated';
}

/** Column-wise arrays of the rows, for `unnest($1::type[], $2::type[], ...)`. */
function columns(rows: readonly Row[], width: number): unknown[][] {
  const result: unknown[][] = Array.from({ length: width }, () => new Array<unknown>(rows.length));
  rows.forEach((row, index) => {
    for (let column = 0; column < width; column += 1) (result[column] as unknown[])[index] = row[column];
  });
  return result;
}

/**
 * Folds events into a projection schema, in the caller's transaction, at most once per event id. Every
 * write is an upsert keyed by the complaint, customer, survey or purchase it concerns, so the projection
 * does not depend on which consumer, replay or recompute applied the events.
 *
 * A batch is applied set-wise: the ledger takes all its ids in one statement, then the events go in
 * rounds in which no two write the same row (the n-th event of a complaint, survey, purchase or customer
 * in round n), each round a few multi-row statements. Every row sees its events in their order, each
 * through the same expression as if applied alone, so a batch gives exactly what its events give one at a
 * time; a recompute replays a topic in a few statements per fetched batch instead of several per event.
 */
export class Projector {
  private readonly s: string;

  constructor(schema: string) {
    this.s = `"${assertSchemaName(schema)}"`;
  }

  /** Applies the event unless this projection has already applied it; returns whether it did. */
  async apply(manager: EntityManager, event: AnyEvent): Promise<boolean> {
    return (await this.applyAll(manager, [event])) === 1;
  }

  /**
   * Applies the events in their order, each unless this projection has already applied it (earlier, or
   * earlier in the same batch); returns how many it applied.
   */
  async applyAll(manager: EntityManager, events: readonly AnyEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const inserted = (await manager.query(
      `INSERT INTO ${this.s}.applied_events (event_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id`,
      [events.map((event) => event.id)],
    )) as Array<{ event_id: string }>;
    const fresh = new Set(inserted.map((row) => row.event_id));
    // A duplicate within the batch is inserted once: only its first occurrence applies.
    const toApply = events.filter((event) => fresh.delete(event.id.toLowerCase()));
    // A complaint's row exists before any of its events is applied: a state change, breach or escalation
    // may come before (or without) its complaint.received, which then fills the empty row in just as it
    // would have inserted it. One statement for the whole batch rather than one per round, and only for
    // complaints whose complaint.received does not come first in the batch.
    const received = new Set<string>();
    const ensured = new Set<string>();
    for (const event of toApply) {
      if (event.type === 'complaint.received') received.add(event.payload.complaintId.toLowerCase());
      else if (needsComplaintRow(event) && !received.has(event.payload.complaintId.toLowerCase())) ensured.add(event.payload.complaintId.toLowerCase());
    }
    if (ensured.size > 0) {
      await manager.query(`INSERT INTO ${this.s}.complaints (complaint_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING`, [[...ensured]]);
    }
    for (const round of byOccurrence(toApply, subjectOf)) await this.applyRound(manager, round);
    return toApply.length;
  }

  /** Events that write distinct rows: statement order only has to follow each event type's own order. */
  private async applyRound(manager: EntityManager, events: readonly AnyEvent[]): Promise<void> {
    const received: Row[] = [];
    const stateChanges: Row[] = [];
    const escalations: Row[] = [];
    const met: DeadlineMetRow[] = [];
    const firstResponses: Row[] = [];
    const breaches: Row[] = [];
    const surveys: Row[] = [];
    const purchases: Row[] = [];
    const churns: Row[] = [];
    for (const event of events) {
      switch (event.type) {
        case 'complaint.received':
          this.received(event, received, met);
          break;
        case 'complaint.state_changed':
          this.stateChanged(event, stateChanges, met, firstResponses);
          break;
        case 'sla.breached': {
          const p = event.payload;
          breaches.push([p.complaintId, p.kind, p.cycle, p.dueAt, p.breachedAt]);
          break;
        }
        case 'complaint.escalated':
          escalations.push([event.payload.complaintId, event.payload.level]);
          break;
        case 'survey.responded':
          surveys.push(this.survey(event));
          break;
        case 'customer.purchased': {
          const p = event.payload;
          purchases.push([p.purchaseId, p.customerId, p.storeId, p.amount, p.currency, p.at]);
          break;
        }
        case 'customer.churned':
          churns.push([event.payload.customerId, event.payload.at]);
          break;
        default:
          break;
      }
    }
    const s = this.s;
    await this.write(
      manager,
      received,
      `INSERT INTO ${s}.complaints (complaint_id, customer_id, channel, store_id, category, severity, received_at, first_response_at, state, state_at)
       SELECT v.complaint_id, v.customer_id, v.channel, v.store_id, v.category, v.severity, v.received_at, v.first_response_at, v.state, v.received_at
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::text[])
         AS v(complaint_id, customer_id, channel, store_id, category, severity, received_at, first_response_at, state)
       ON CONFLICT (complaint_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, channel = EXCLUDED.channel, store_id = EXCLUDED.store_id,
         category = EXCLUDED.category, severity = EXCLUDED.severity, received_at = EXCLUDED.received_at,
         first_response_at = LEAST(${s}.complaints.first_response_at, EXCLUDED.first_response_at),
         state = COALESCE(${s}.complaints.state, EXCLUDED.state), state_at = COALESCE(${s}.complaints.state_at, EXCLUDED.state_at)`,
      9,
    );
    await this.write(
      manager,
      stateChanges,
      `UPDATE ${s}.complaints c SET
         state = CASE WHEN c.state_at IS NULL OR c.state_at <= v.at THEN v.to_state ELSE c.state END,
         state_at = GREATEST(c.state_at, v.at),
         resolved_at = CASE WHEN v.to_state = 'resolved' THEN GREATEST(c.resolved_at, v.at) ELSE c.resolved_at END,
         closed_at = CASE WHEN v.to_state = 'closed' THEN v.at ELSE c.closed_at END,
         reopen_count = c.reopen_count + CASE WHEN v.to_state = 'reopened' THEN 1 ELSE 0 END,
         pauses = c.pauses + CASE WHEN v.to_state = 'waiting_customer' THEN 1 ELSE 0 END,
         waited_ms = c.waited_ms + CASE WHEN v.from_state = 'waiting_customer' AND c.waiting_since IS NOT NULL
           THEN GREATEST(0, (extract(epoch FROM (v.at - c.waiting_since)) * 1000)::bigint) ELSE 0 END,
         longest_wait_ms = GREATEST(c.longest_wait_ms, CASE WHEN v.from_state = 'waiting_customer' AND c.waiting_since IS NOT NULL
           THEN (extract(epoch FROM (v.at - c.waiting_since)) * 1000)::bigint ELSE 0 END),
         waiting_since = CASE WHEN v.to_state = 'waiting_customer' THEN v.at WHEN v.from_state = 'waiting_customer' THEN NULL ELSE c.waiting_since END,
         compensation_type = COALESCE(v.compensation_type, c.compensation_type),
         compensation_amount = COALESCE(v.compensation_amount, c.compensation_amount),
         compensation_currency = COALESCE(v.compensation_currency, c.compensation_currency)
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::numeric[], $7::text[])
         AS v(complaint_id, to_state, at, from_state, compensation_type, compensation_amount, compensation_currency)
       WHERE c.complaint_id = v.complaint_id`,
      7,
    );
    await this.write(
      manager,
      escalations,
      `UPDATE ${s}.complaints c SET escalations = c.escalations + 1, highest_escalation = GREATEST(c.highest_escalation, v.level)
       FROM unnest($1::uuid[], $2::integer[]) AS v(complaint_id, level) WHERE c.complaint_id = v.complaint_id`,
      2,
    );
    // One event may announce the same deadline twice: the later announcement is applied after the earlier.
    for (const run of byOccurrence(met, (row) => `${row.complaintId.toLowerCase()}/${row.kind}/${row.cycle}`)) {
      await this.write(
        manager,
        run.map((row) => [row.complaintId, row.kind, row.cycle, row.targetMs, row.dueAt, row.at, row.businessMs]),
        `INSERT INTO ${s}.deadlines (complaint_id, kind, cycle, target_ms, due_at, met_at, business_ms)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::integer[], $4::bigint[], $5::timestamptz[], $6::timestamptz[], $7::bigint[])
         ON CONFLICT (complaint_id, kind, cycle) DO UPDATE SET target_ms = COALESCE(EXCLUDED.target_ms, ${s}.deadlines.target_ms),
           due_at = COALESCE(EXCLUDED.due_at, ${s}.deadlines.due_at), met_at = EXCLUDED.met_at, business_ms = EXCLUDED.business_ms`,
        7,
      );
    }
    // LEAST ignores NULL: the first response is the earliest one announced.
    for (const run of byOccurrence(firstResponses, (row) => String(row[0]).toLowerCase())) {
      await this.write(
        manager,
        run,
        `UPDATE ${s}.complaints c SET first_response_at = LEAST(c.first_response_at, v.at)
         FROM unnest($1::uuid[], $2::timestamptz[]) AS v(complaint_id, at) WHERE c.complaint_id = v.complaint_id`,
        2,
      );
    }
    await this.write(
      manager,
      breaches,
      `INSERT INTO ${s}.deadlines (complaint_id, kind, cycle, due_at, breached_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::integer[], $4::timestamptz[], $5::timestamptz[])
       ON CONFLICT (complaint_id, kind, cycle) DO UPDATE SET due_at = EXCLUDED.due_at,
         breached_at = LEAST(${s}.deadlines.breached_at, EXCLUDED.breached_at)`,
      5,
    );
    await this.write(
      manager,
      surveys,
      `INSERT INTO ${s}.surveys (survey_id, customer_id, sampled_at, dissatisfied, satisfaction, dimensions)
       SELECT v.survey_id, v.customer_id, v.sampled_at, v.dissatisfied, v.satisfaction, v.dimensions::jsonb
       FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::boolean[], $5::double precision[], $6::text[])
         AS v(survey_id, customer_id, sampled_at, dissatisfied, satisfaction, dimensions)
       ON CONFLICT (survey_id) DO NOTHING`,
      6,
    );
    await this.write(
      manager,
      purchases,
      `INSERT INTO ${s}.purchases (purchase_id, customer_id, store_id, amount, currency, at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::numeric[], $5::text[], $6::timestamptz[])
       ON CONFLICT (purchase_id) DO NOTHING`,
      6,
    );
    await this.write(
      manager,
      churns,
      `INSERT INTO ${s}.churns (customer_id, at) SELECT * FROM unnest($1::uuid[], $2::timestamptz[])
       ON CONFLICT (customer_id) DO UPDATE SET at = LEAST(${s}.churns.at, EXCLUDED.at)`,
      2,
    );
  }

  private async write(manager: EntityManager, rows: readonly Row[], sql: string, width: number): Promise<void> {
    if (rows.length > 0) await manager.query(sql, columns(rows, width));
  }

  private received(event: EventOf<'complaint.received'>, rows: Row[], met: DeadlineMetRow[]): void {
    const p = event.payload;
    rows.push([p.complaintId, p.customerId, p.channel, p.storeId, p.category, p.severity, p.receivedAt, p.firstRespondedAt, p.firstRespondedAt === null ? 'new' : 'acknowledged']);
    if (p.firstRespondedAt !== null) {
      // Responded while registering it: the first response used no time at all.
      met.push({ complaintId: p.complaintId, kind: 'first_response', cycle: 1, targetMs: null, businessMs: 0, dueAt: null, at: p.firstRespondedAt });
    }
  }

  private stateChanged(event: EventOf<'complaint.state_changed'>, rows: Row[], met: DeadlineMetRow[], firstResponses: Row[]): void {
    const p = event.payload;
    const compensation = p.resolution?.compensation ?? null;
    rows.push([p.complaintId, p.to, p.at, p.from, compensation?.type ?? null, compensation?.amount ?? null, compensation?.currency ?? null]);
    for (const deadline of p.deadlinesMet ?? []) {
      met.push({ complaintId: p.complaintId, kind: deadline.kind, cycle: deadline.cycle, targetMs: deadline.targetMs, businessMs: deadline.businessMs, dueAt: deadline.dueAt, at: p.at });
      if (deadline.kind === 'first_response') firstResponses.push([p.complaintId, p.at]);
    }
  }

  private survey(event: EventOf<'survey.responded'>): Row {
    const p = event.payload;
    const score = p.score;
    const satisfaction = score === undefined || score.max <= score.min ? null : Math.min(1, Math.max(0, (score.value - score.min) / (score.max - score.min)));
    return [p.surveyId, p.customerId, p.sampledAt, isDissatisfied(p), satisfaction, p.dimensions === undefined ? null : JSON.stringify(p.dimensions)];
  }
}
