import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { createEvent, type AnyEvent } from '@app/contracts';
import {
  acceptHandover,
  claim,
  consumedBusinessTime,
  declineHandover,
  mayActOnLifecycle,
  mayAddNote,
  meetClock,
  pauseClock,
  proposeHandover,
  reassign,
  restartClock,
  resumeClock,
  transition,
  type EscalationTarget,
  type LifecycleAction,
  type OwnershipChange,
  type OwnershipRefused,
  type OwnershipSubject,
  type WorkflowPrincipal,
} from '@app/domain';
import { appendToOutbox, TOPIC_NAMES, type TopicNames } from '@app/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { SlaPolicyService, timersOf } from '../sla/sla-policy.service';
import type { TimerJob } from '../timers/timer-jobs';
import { TimerQueueService } from '../timers/timer-queue.service';
import { storedDeadline, WorkflowComplaintRepository, type DeadlineRow, type StoredDeadline, type WorkflowComplaintRow } from './workflow-complaint.repository';

interface Loaded {
  readonly row: WorkflowComplaintRow;
  readonly subject: OwnershipSubject;
  readonly pendingHandoverId: string | null;
}

/** The 403 for a complaint of another store: it says nothing of the complaint (owner, state, store). */
function notYourStore(): ForbiddenException {
  return new ForbiddenException({ statusCode: 403, error: 'Forbidden', reason: 'store_forbidden', message: 'this complaint is not one of your stores' });
}

function refusal(result: OwnershipRefused): Error {
  const body = { reason: result.code, message: result.message, ownerId: result.ownerId };
  switch (result.code) {
    case 'no_access':
      return notYourStore();
    case 'not_owner':
    case 'not_ops':
    case 'not_handover_receiver':
      return new ForbiddenException({ statusCode: 403, error: 'Forbidden', ...body });
    case 'reason_required':
    case 'reason_too_long':
    case 'invalid_receiver':
    case 'handover_to_self':
      return new UnprocessableEntityException({ statusCode: 422, error: 'Unprocessable Entity', ...body });
    default:
      return new ConflictException({ statusCode: 409, error: 'Conflict', ...body });
  }
}

/**
 * Everything people do to a complaint in workflow: claim it, move it through its lifecycle, hand it
 * over, reassign it, note on it. Each runs in one transaction that locks the complaint row, so
 * concurrent conflicting actions get one consistent outcome; the rules are libs/domain's.
 */
@Injectable()
export class ComplaintActionsService {
  private readonly reopenWindowMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly complaints: WorkflowComplaintRepository,
    private readonly policy: SlaPolicyService,
    private readonly timers: TimerQueueService,
    @Inject(TOPIC_NAMES) private readonly topics: TopicNames,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.reopenWindowMs = config.workflow.reopenWindowMs;
  }

  private async load(manager: EntityManager, id: string): Promise<Loaded> {
    const row = await this.complaints.find(manager, id, true);
    if (row === null) throw new NotFoundException({ statusCode: 404, error: 'Not Found', reason: 'complaint_not_found', message: `no complaint ${id}` });
    const escalations = (await manager.query('SELECT level, audience, store_id FROM escalations WHERE complaint_id = $1', [id])) as Array<{
      level: number;
      audience: string;
      store_id: string | null;
    }>;
    const [pending] = (await manager.query(
      `SELECT id, from_id, to_id, reason, created_at FROM handovers WHERE complaint_id = $1 AND status = 'pending'`,
      [id],
    )) as Array<{ id: string; from_id: string; to_id: string; reason: string; created_at: Date }>;
    const targets = escalations.map((escalation): EscalationTarget => {
      if (escalation.level === 2) return { level: 2, audience: 'ops' };
      return escalation.audience === 'store_managers' && escalation.store_id !== null
        ? { level: 1, audience: 'store_managers', storeId: escalation.store_id }
        : { level: 1, audience: 'ops_duty' };
    });
    return {
      row,
      pendingHandoverId: pending?.id ?? null,
      subject: {
        ownerId: row.owner_id,
        storeId: row.store_id,
        closed: row.state === 'closed',
        escalations: targets,
        pendingHandover: pending === undefined ? null : { from: pending.from_id, to: pending.to_id, reason: pending.reason, proposedAt: pending.created_at },
      },
    };
  }

  private assertVisible(principal: WorkflowPrincipal, loaded: Loaded): void {
    if (!mayAddNote(principal, loaded.subject)) throw notYourStore();
  }

  private ownershipEvent(row: WorkflowComplaintRow, change: OwnershipChange): AnyEvent {
    return createEvent(
      'complaint.ownership_changed',
      1,
      { complaintId: row.id, kind: change.kind, fromOwnerId: change.from, toOwnerId: change.to, actorId: change.by, reason: change.reason, at: change.at.toISOString() },
      { producer: 'workflow', complaintId: row.id },
    );
  }

  private async recordOwnership(manager: EntityManager, row: WorkflowComplaintRow, change: OwnershipChange): Promise<void> {
    await this.complaints.update(manager, row.id, { owner_id: change.to });
    await this.complaints.history(manager, row.id, `ownership.${change.kind}`, change.by, { from: change.from, to: change.to, reason: change.reason }, change.at);
    await appendToOutbox(manager, [this.ownershipEvent(row, change)], this.topics.events);
  }

  async claim(principal: WorkflowPrincipal, id: string): Promise<WorkflowComplaintRow> {
    return this.dataSource.transaction(async (manager) => {
      const loaded = await this.load(manager, id);
      const result = claim(loaded.subject, principal, new Date());
      if (!result.ok) throw refusal(result);
      await this.recordOwnership(manager, loaded.row, result.change);
      return (await this.complaints.find(manager, id)) ?? loaded.row;
    });
  }

  async act(principal: WorkflowPrincipal, id: string, action: LifecycleAction): Promise<WorkflowComplaintRow> {
    const now = new Date();
    const timers: TimerJob[] = [];
    const stale: TimerJob[] = [];
    const updated = await this.dataSource.transaction(async (manager) => {
      timers.length = 0;
      stale.length = 0;
      const loaded = await this.load(manager, id);
      const authority = mayActOnLifecycle(principal, loaded.subject);
      if (!authority.allowed) {
        if (authority.code === 'no_access') throw notYourStore();
        throw new ForbiddenException({ statusCode: 403, error: 'Forbidden', reason: authority.code, message: authority.message, ownerId: loaded.row.owner_id });
      }
      const { row } = loaded;
      const result = transition(row.state, action, { now, resolvedAt: row.resolved_at, reopenWindowMs: this.reopenWindowMs });
      if (!result.ok) {
        const status = result.code === 'invalid_resolution' ? 422 : 409;
        const body = { statusCode: status, reason: result.code, message: result.message, currentState: result.currentState };
        throw status === 422 ? new UnprocessableEntityException({ ...body, error: 'Unprocessable Entity' }) : new ConflictException({ ...body, error: 'Conflict' });
      }

      const rows = await this.complaints.deadlines(manager, id, true);
      const deadlines = new Map(rows.map((deadline) => [deadline.kind, storedDeadline(deadline)]));
      const breachedBefore = new Map(rows.map((deadline) => [deadline.kind, deadline.breached_at !== null]));
      const change = (kind: 'first_response' | 'resolution', next: (deadline: StoredDeadline) => StoredDeadline) => {
        const current = deadlines.get(kind);
        if (current === undefined) return;
        const changed = next(current);
        if (changed.clock.version === current.clock.version && changed.cycle === current.cycle) return;
        stale.push(...timersOf(current));
        timers.push(...timersOf(changed));
        deadlines.set(kind, changed);
      };
      for (const effect of result.effects) {
        switch (effect) {
          case 'first_response_met':
            change('first_response', (d) => this.policy.stored(id, d.cycle, d.calendar, meetClock(d.clock, now)));
            break;
          case 'resolution_paused':
            change('resolution', (d) => this.policy.stored(id, d.cycle, d.calendar, pauseClock(d.clock, d.calendar, now)));
            await this.complaints.history(manager, id, 'sla.paused', principal.subject, { kind: 'resolution' }, now);
            break;
          case 'resolution_resumed':
            change('resolution', (d) => this.policy.stored(id, d.cycle, d.calendar, resumeClock(d.clock, d.calendar, now)));
            await this.complaints.history(manager, id, 'sla.resumed', principal.subject, { kind: 'resolution' }, now);
            break;
          case 'resolution_met':
            change('resolution', (d) => this.policy.stored(id, d.cycle, d.calendar, meetClock(d.clock, now)));
            break;
          case 'resolution_restarted':
            change('resolution', (d) => this.policy.stored(id, d.cycle + 1, d.calendar, restartClock(d.clock, d.calendar, d.clock.targetMs, now)));
            break;
        }
      }
      for (const deadline of deadlines.values()) await this.complaints.saveDeadline(manager, deadline);
      const met = result.effects.flatMap((effect) => {
        const kind = effect === 'first_response_met' ? 'first_response' : effect === 'resolution_met' ? 'resolution' : null;
        const deadline = kind === null ? undefined : deadlines.get(kind);
        return deadline === undefined ? [] : [this.deadlineMet(deadline, breachedBefore.get(deadline.clock.kind) ?? false)];
      });

      await this.complaints.update(manager, id, {
        state: result.state,
        ...(result.effects.includes('first_response_met') && row.first_responded_at === null ? { first_responded_at: now } : {}),
        ...(result.state === 'resolved' ? { resolved_at: now, resolution: result.resolution as unknown as Record<string, unknown> } : {}),
        ...(result.state === 'closed' ? { closed_at: now } : {}),
        ...(result.state === 'reopened' ? { reopen_count: row.reopen_count + 1 } : {}),
      });
      await this.complaints.history(manager, id, 'state.changed', principal.subject, { from: result.from, to: result.state, action: result.action }, now);
      const event = createEvent(
        'complaint.state_changed',
        1,
        {
          complaintId: id,
          from: result.from,
          to: result.state,
          action: result.action,
          actorId: principal.subject,
          at: now.toISOString(),
          ...(result.resolution === null ? {} : { resolution: { summary: result.resolution.summary, compensation: result.resolution.compensation } }),
          ...(met.length === 0 ? {} : { deadlinesMet: met }),
        },
        { producer: 'workflow', complaintId: id },
      );
      await appendToOutbox(manager, [event], this.topics.events);
      return (await this.complaints.find(manager, id)) ?? row;
    });
    await this.timers.cancel(stale);
    await this.timers.schedule(timers, now);
    return updated;
  }

  /** A met deadline as announced: the business time it used, and whether it had been breached. */
  private deadlineMet(deadline: StoredDeadline, breached: boolean) {
    const { clock } = deadline;
    const metAt = clock.metAt ?? new Date();
    return {
      kind: clock.kind,
      cycle: deadline.cycle,
      targetMs: clock.targetMs,
      businessMs: Math.round(consumedBusinessTime(clock, deadline.calendar, metAt)),
      dueAt: clock.dueAt?.toISOString() ?? null,
      breached: breached || (clock.dueAt !== null && metAt.getTime() > clock.dueAt.getTime()),
    };
  }

  async addNote(principal: WorkflowPrincipal, id: string, body: string): Promise<{ id: string; createdAt: string }> {
    return this.dataSource.transaction(async (manager) => {
      const loaded = await this.load(manager, id);
      this.assertVisible(principal, loaded);
      const noteId = randomUUID();
      const now = new Date();
      await manager.query('INSERT INTO notes (id, complaint_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5)', [noteId, id, principal.subject, body, now]);
      const event = createEvent('complaint.note_added', 1, { complaintId: id, noteId, authorId: principal.subject, at: now.toISOString() }, { producer: 'workflow', complaintId: id });
      await appendToOutbox(manager, [event], this.topics.events);
      return { id: noteId, createdAt: now.toISOString() };
    });
  }

  async proposeHandover(principal: WorkflowPrincipal, id: string, to: string, reason: string): Promise<{ handoverId: string }> {
    return this.dataSource.transaction(async (manager) => {
      const loaded = await this.load(manager, id);
      // Whether it is closed, unowned or waiting for a hand-over is for those who may see it.
      if (loaded.subject.ownerId !== principal.subject) this.assertVisible(principal, loaded);
      const now = new Date();
      const result = proposeHandover(loaded.subject, principal, { to, reason }, now);
      if (!result.ok) throw refusal(result);
      if (loaded.pendingHandoverId !== null) {
        // A pending hand-over from a former owner is stale; it is withdrawn so the new one can wait.
        await manager.query(`UPDATE handovers SET status = 'withdrawn', decided_at = $2 WHERE id = $1`, [loaded.pendingHandoverId, now]);
      }
      const handoverId = randomUUID();
      const { handover } = result;
      await manager.query(
        `INSERT INTO handovers (id, complaint_id, from_id, to_id, reason, status, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6)`,
        [handoverId, id, handover.from, handover.to, handover.reason, now],
      );
      await this.complaints.history(manager, id, 'handover.proposed', principal.subject, { to: handover.to, reason: handover.reason }, now);
      const event = createEvent(
        'complaint.handover_proposed',
        1,
        { complaintId: id, handoverId, fromOwnerId: handover.from, toOwnerId: handover.to, reason: handover.reason, at: now.toISOString() },
        { producer: 'workflow', complaintId: id },
      );
      await appendToOutbox(manager, [event], this.topics.events);
      return { handoverId };
    });
  }

  async answerHandover(principal: WorkflowPrincipal, id: string, accept: boolean): Promise<WorkflowComplaintRow> {
    return this.dataSource.transaction(async (manager) => {
      const loaded = await this.load(manager, id);
      // The receiver may always answer (and decline a complaint they cannot see); anyone else who
      // cannot see the complaint learns nothing of its hand-overs.
      if (loaded.subject.pendingHandover?.to !== principal.subject) this.assertVisible(principal, loaded);
      const now = new Date();
      if (accept) {
        const result = acceptHandover(loaded.subject, principal, now);
        if (!result.ok) throw refusal(result);
        await manager.query(`UPDATE handovers SET status = 'accepted', decided_at = $2 WHERE id = $1`, [loaded.pendingHandoverId, now]);
        await this.recordOwnership(manager, loaded.row, result.change);
      } else {
        const result = declineHandover(loaded.subject, principal);
        if (!result.ok) throw refusal(result);
        await manager.query(`UPDATE handovers SET status = 'declined', decided_at = $2 WHERE id = $1`, [loaded.pendingHandoverId, now]);
        await this.complaints.history(manager, id, 'handover.declined', principal.subject, { from: result.handover.from }, now);
        const event = createEvent(
          'complaint.handover_declined',
          1,
          { complaintId: id, handoverId: loaded.pendingHandoverId ?? randomUUID(), fromOwnerId: result.handover.from, toOwnerId: result.handover.to, at: now.toISOString() },
          { producer: 'workflow', complaintId: id },
        );
        await appendToOutbox(manager, [event], this.topics.events);
      }
      return (await this.complaints.find(manager, id)) ?? loaded.row;
    });
  }

  async reassign(principal: WorkflowPrincipal, id: string, to: string, reason: string): Promise<WorkflowComplaintRow> {
    return this.dataSource.transaction(async (manager) => {
      const loaded = await this.load(manager, id);
      const now = new Date();
      const result = reassign(loaded.subject, principal, { to, reason }, now);
      if (!result.ok) throw refusal(result);
      if (result.withdrawnHandover !== null && loaded.pendingHandoverId !== null) {
        await manager.query(`UPDATE handovers SET status = 'withdrawn', decided_at = $2 WHERE id = $1`, [loaded.pendingHandoverId, now]);
      }
      await this.recordOwnership(manager, loaded.row, result.change);
      return (await this.complaints.find(manager, id)) ?? loaded.row;
    });
  }

  /** The complaint with its deadlines, for anyone who may see it. */
  async view(principal: WorkflowPrincipal, id: string): Promise<{ row: WorkflowComplaintRow; deadlines: DeadlineRow[] }> {
    return this.dataSource.transaction(async (manager) => {
      const loaded = await this.load(manager, id);
      this.assertVisible(principal, loaded);
      return { row: loaded.row, deadlines: await this.complaints.deadlines(manager, id) };
    });
  }
}
