import { Injectable } from '@nestjs/common';
import type { BusinessCalendar, SlaClock } from '@app/domain';
import type { EntityManager } from 'typeorm';

export type LifecycleStateName = 'new' | 'acknowledged' | 'in_progress' | 'waiting_customer' | 'resolved' | 'reopened' | 'closed';
export type DeadlineKindName = 'first_response' | 'resolution';

export interface WorkflowComplaintRow {
  id: string;
  reference: string;
  channel: string;
  store_id: string | null;
  category: string;
  severity: string;
  customer_id: string;
  state: LifecycleStateName;
  owner_id: string | null;
  received_at: Date;
  first_responded_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  reopen_count: number;
  escalation_level: number;
  resolution: Record<string, unknown> | null;
  version: number;
}

export type NewWorkflowComplaint = Omit<WorkflowComplaintRow, 'resolved_at' | 'closed_at' | 'reopen_count' | 'escalation_level' | 'resolution' | 'version'>;

export interface DeadlineRow {
  complaint_id: string;
  kind: DeadlineKindName;
  cycle: number;
  calendar: unknown;
  target_ms: string;
  started_at: Date;
  consumed_ms: string;
  paused_at: Date | null;
  due_at: Date | null;
  warn_at: Date | null;
  met_at: Date | null;
  warned_at: Date | null;
  breached_at: Date | null;
  version: number;
  pauses: Array<{ from: string; to: string }>;
}

export interface HistoryEntry {
  readonly complaintId: string;
  readonly kind: string;
  readonly actor: string | null;
  readonly detail: Record<string, unknown>;
  readonly at: Date;
}

/** A stored deadline: the domain's clock, its calendar, its cycle and when it warns. */
export interface StoredDeadline {
  readonly complaintId: string;
  readonly cycle: number;
  readonly calendar: BusinessCalendar;
  readonly clock: SlaClock;
  readonly warnAt: Date | null;
}

export function storedDeadline(row: DeadlineRow): StoredDeadline {
  return {
    complaintId: row.complaint_id,
    cycle: row.cycle,
    calendar: row.calendar as BusinessCalendar,
    warnAt: row.warn_at,
    clock: {
      kind: row.kind,
      targetMs: Number(row.target_ms),
      startedAt: row.started_at,
      consumedBusinessMs: Number(row.consumed_ms),
      pausedAt: row.paused_at,
      pauses: row.pauses.map((pause) => ({ from: new Date(pause.from), to: new Date(pause.to) })),
      dueAt: row.due_at,
      metAt: row.met_at,
      version: row.version,
    },
  };
}

const COMPLAINT_COLUMNS = `id, reference, channel, store_id, category, severity, customer_id, state, owner_id, received_at,
  first_responded_at, resolved_at, closed_at, reopen_count, escalation_level, resolution, version`;
const DEADLINE_COLUMNS = `complaint_id, kind, cycle, calendar, target_ms, started_at, consumed_ms, paused_at, due_at, warn_at, met_at,
  warned_at, breached_at, version, pauses`;

/** Workflow's tables, in SQL; every method runs in the caller's transaction (or manager). */
@Injectable()
export class WorkflowComplaintRepository {
  /** Inserts complaints not stored yet, in one statement; returns the rows it inserted, as stored. */
  async insertMany(manager: EntityManager, complaints: readonly NewWorkflowComplaint[]): Promise<WorkflowComplaintRow[]> {
    if (complaints.length === 0) return [];
    const column = <K extends keyof NewWorkflowComplaint>(key: K) => complaints.map((complaint) => complaint[key]);
    return (await manager.query(
      `INSERT INTO complaints (id, reference, channel, store_id, category, severity, customer_id, state, owner_id, received_at, first_responded_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[], $9::text[],
         $10::timestamptz[], $11::timestamptz[])
       ON CONFLICT (id) DO NOTHING RETURNING ${COMPLAINT_COLUMNS}`,
      [
        column('id'),
        column('reference'),
        column('channel'),
        column('store_id'),
        column('category'),
        column('severity'),
        column('customer_id'),
        column('state'),
        column('owner_id'),
        column('received_at'),
        column('first_responded_at'),
      ],
    )) as WorkflowComplaintRow[];
  }

  async find(manager: EntityManager, id: string, forUpdate = false): Promise<WorkflowComplaintRow | null> {
    const rows = (await manager.query(`SELECT ${COMPLAINT_COLUMNS} FROM complaints WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`, [
      id,
    ])) as WorkflowComplaintRow[];
    return rows[0] ?? null;
  }

  async findMany(manager: EntityManager, ids: readonly string[]): Promise<WorkflowComplaintRow[]> {
    if (ids.length === 0) return [];
    return (await manager.query(`SELECT ${COMPLAINT_COLUMNS} FROM complaints WHERE id = ANY($1::uuid[])`, [ids])) as WorkflowComplaintRow[];
  }

  async update(manager: EntityManager, id: string, changes: Partial<Omit<WorkflowComplaintRow, 'id' | 'version'>>): Promise<void> {
    const entries = Object.entries(changes);
    if (entries.length === 0) return;
    const sets = entries.map(([column], index) => `${column} = $${index + 2}${column === 'resolution' ? '::jsonb' : ''}`);
    const values = entries.map(([column, value]) => (column === 'resolution' && value !== null ? JSON.stringify(value) : value));
    await manager.query(`UPDATE complaints SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1`, [id, ...values]);
  }

  async deadlines(manager: EntityManager, complaintId: string, forUpdate = false): Promise<DeadlineRow[]> {
    return (await manager.query(
      `SELECT ${DEADLINE_COLUMNS} FROM sla_deadlines WHERE complaint_id = $1 ORDER BY kind ${forUpdate ? 'FOR UPDATE' : ''}`,
      [complaintId],
    )) as DeadlineRow[];
  }

  async deadline(manager: EntityManager, complaintId: string, kind: DeadlineKindName, forUpdate = false): Promise<DeadlineRow | null> {
    const rows = (await manager.query(
      `SELECT ${DEADLINE_COLUMNS} FROM sla_deadlines WHERE complaint_id = $1 AND kind = $2 ${forUpdate ? 'FOR UPDATE' : ''}`,
      [complaintId, kind],
    )) as DeadlineRow[];
    return rows[0] ?? null;
  }

  /**
   * Locks the given deadlines (those that exist) in key order, so transactions locking overlapping sets
   * wait for each other instead of deadlocking.
   */
  async lockDeadlines(manager: EntityManager, keys: ReadonlyArray<{ complaintId: string; kind: DeadlineKindName }>): Promise<DeadlineRow[]> {
    if (keys.length === 0) return [];
    return (await manager.query(
      `SELECT ${DEADLINE_COLUMNS} FROM sla_deadlines
       WHERE (complaint_id, kind) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))
       ORDER BY complaint_id, kind FOR UPDATE`,
      [keys.map((key) => key.complaintId), keys.map((key) => key.kind)],
    )) as DeadlineRow[];
  }

  /** Writes a deadline's whole state; a new cycle (after a reopen) clears its notifications. */
  async saveDeadline(manager: EntityManager, deadline: StoredDeadline): Promise<void> {
    await this.saveDeadlines(manager, [deadline]);
  }

  /** `saveDeadline` for several deadlines in one statement; each (complaint, kind) at most once. */
  async saveDeadlines(manager: EntityManager, deadlines: readonly StoredDeadline[]): Promise<void> {
    if (deadlines.length === 0) return;
    const column = <T>(value: (deadline: StoredDeadline) => T) => deadlines.map(value);
    await manager.query(
      `INSERT INTO sla_deadlines (complaint_id, kind, cycle, calendar, target_ms, started_at, consumed_ms, paused_at, due_at, warn_at, met_at,
         version, pauses)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::jsonb[], $5::bigint[], $6::timestamptz[], $7::bigint[], $8::timestamptz[],
         $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::int[], $13::jsonb[])
       ON CONFLICT (complaint_id, kind) DO UPDATE SET
         warned_at = CASE WHEN sla_deadlines.cycle <> EXCLUDED.cycle THEN NULL ELSE sla_deadlines.warned_at END,
         breached_at = CASE WHEN sla_deadlines.cycle <> EXCLUDED.cycle THEN NULL ELSE sla_deadlines.breached_at END,
         cycle = EXCLUDED.cycle, calendar = EXCLUDED.calendar, target_ms = EXCLUDED.target_ms, started_at = EXCLUDED.started_at,
         consumed_ms = EXCLUDED.consumed_ms, paused_at = EXCLUDED.paused_at, due_at = EXCLUDED.due_at, warn_at = EXCLUDED.warn_at,
         met_at = EXCLUDED.met_at, version = EXCLUDED.version, pauses = EXCLUDED.pauses`,
      [
        column((deadline) => deadline.complaintId),
        column((deadline) => deadline.clock.kind),
        column((deadline) => deadline.cycle),
        column((deadline) => JSON.stringify(deadline.calendar)),
        column((deadline) => deadline.clock.targetMs),
        column((deadline) => deadline.clock.startedAt),
        column((deadline) => deadline.clock.consumedBusinessMs),
        column((deadline) => deadline.clock.pausedAt),
        column((deadline) => deadline.clock.dueAt),
        column((deadline) => deadline.warnAt),
        column((deadline) => deadline.clock.metAt),
        column((deadline) => deadline.clock.version),
        column((deadline) => JSON.stringify(deadline.clock.pauses.map((pause) => ({ from: pause.from.toISOString(), to: pause.to.toISOString() })))),
      ],
    );
  }

  async markNotified(manager: EntityManager, complaintId: string, kind: DeadlineKindName, phase: 'warning' | 'breach', at: Date): Promise<void> {
    await manager.query(`UPDATE sla_deadlines SET ${phase === 'warning' ? 'warned_at' : 'breached_at'} = $3 WHERE complaint_id = $1 AND kind = $2`, [
      complaintId,
      kind,
      at,
    ]);
  }

  /** Records notifications given; each deadline at most once in `notices`. */
  async markNotifiedMany(
    manager: EntityManager,
    notices: ReadonlyArray<{ complaintId: string; kind: DeadlineKindName; phase: 'warning' | 'breach' }>,
    at: Date,
  ): Promise<void> {
    if (notices.length === 0) return;
    await manager.query(
      `UPDATE sla_deadlines d SET
         warned_at = CASE WHEN n.phase = 'warning' THEN $4 ELSE d.warned_at END,
         breached_at = CASE WHEN n.phase = 'breach' THEN $4 ELSE d.breached_at END
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS n(complaint_id, kind, phase)
       WHERE d.complaint_id = n.complaint_id AND d.kind = n.kind`,
      [notices.map((notice) => notice.complaintId), notices.map((notice) => notice.kind), notices.map((notice) => notice.phase), at],
    );
  }

  /** Raises complaints' escalation level, as `update` would one by one; each complaint at most once. */
  async raiseEscalationLevels(manager: EntityManager, levels: ReadonlyArray<{ complaintId: string; level: number }>): Promise<void> {
    if (levels.length === 0) return;
    await manager.query(
      `UPDATE complaints c SET escalation_level = l.level, version = c.version + 1, updated_at = now()
       FROM unnest($1::uuid[], $2::int[]) AS l(id, level) WHERE c.id = l.id`,
      [levels.map((entry) => entry.complaintId), levels.map((entry) => entry.level)],
    );
  }

  /** Deadlines with a notification still to come, for reconciliation with the timer queue. */
  async pendingDeadlines(manager: EntityManager, afterKey: { complaintId: string; kind: string } | null, limit: number): Promise<DeadlineRow[]> {
    return (await manager.query(
      `SELECT ${DEADLINE_COLUMNS} FROM sla_deadlines
       WHERE met_at IS NULL AND due_at IS NOT NULL AND breached_at IS NULL
         AND ($1::uuid IS NULL OR (complaint_id, kind) > ($1::uuid, $2::text))
       ORDER BY complaint_id, kind LIMIT $3`,
      [afterKey?.complaintId ?? null, afterKey?.kind ?? '', limit],
    )) as DeadlineRow[];
  }

  /** Several history entries at one instant, in the given order. */
  async historyMany(
    manager: EntityManager,
    entries: ReadonlyArray<{ complaintId: string; kind: string; actor: string | null; detail: Record<string, unknown> }>,
    at: Date,
  ): Promise<void> {
    await this.historyEntries(
      manager,
      entries.map((entry) => ({ ...entry, at })),
    );
  }

  /** History entries, each at its own instant, in the given order, in one statement. */
  async historyEntries(manager: EntityManager, entries: readonly HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await manager.query(
      `INSERT INTO complaint_history (complaint_id, at, kind, actor, detail)
       SELECT h.complaint_id, h.at, h.kind, h.actor, h.detail
       FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::jsonb[]) WITH ORDINALITY AS h(complaint_id, at, kind, actor, detail, n)
       ORDER BY h.n`,
      [
        entries.map((entry) => entry.complaintId),
        entries.map((entry) => entry.at),
        entries.map((entry) => entry.kind),
        entries.map((entry) => entry.actor),
        entries.map((entry) => JSON.stringify(entry.detail)),
      ],
    );
  }

  async history(manager: EntityManager, complaintId: string, kind: string, actor: string | null, detail: Record<string, unknown>, at: Date): Promise<void> {
    await this.historyEntries(manager, [{ complaintId, kind, actor, detail, at }]);
  }
}
