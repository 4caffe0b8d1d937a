import { Inject, Injectable, Logger } from '@nestjs/common';
import { createEvent, type EventEnvelope } from '@app/contracts';
import { appendToOutbox, TOPIC_NAMES, type TopicNames } from '@app/messaging';
import { DataSource, type EntityManager } from 'typeorm';
import { AlertsRepository, type NewAlert } from '../alerts/alerts.repository';
import { EscalationService } from '../escalations/escalation.service';
import { TimerQueueService, type TimerOutcome } from '../timers/timer-queue.service';
import type { DeadlineTimer, TimerJob } from '../timers/timer-jobs';
import { WorkflowComplaintRepository, type DeadlineRow, type WorkflowComplaintRow } from '../complaints/workflow-complaint.repository';

const PRODUCER = 'workflow';

type Phase = DeadlineTimer['phase'];

/**
 * The order in which a batch is fired: rounds in which each complaint appears at most once (so every
 * round reads the complaints as the previous round left them), breaches before warnings within each.
 */
export function firingRounds(timers: readonly DeadlineTimer[]): number[][] {
  const order = timers.map((_, index) => index).sort((a, b) => phaseRank(timers[a]?.phase) - phaseRank(timers[b]?.phase));
  const rounds: number[][] = [];
  const seen = new Map<string, number>();
  for (const index of order) {
    const complaintId = timers[index]?.complaintId ?? '';
    const round = seen.get(complaintId) ?? 0;
    seen.set(complaintId, round + 1);
    (rounds[round] ??= []).push(index);
  }
  return rounds;
}

function phaseRank(phase: Phase | undefined): number {
  return phase === 'breach' ? 0 : 1;
}

interface Notice {
  readonly index: number;
  readonly timer: DeadlineTimer;
  readonly complaint: WorkflowComplaintRow;
  readonly cycle: number;
  readonly event: EventEnvelope;
  readonly alert: NewAlert;
}

/**
 * Fires deadlines' warnings and breaches, many in one transaction. It locks the deadlines, re-reads
 * them and acts on a timer only if it is still current (same version), the deadline unmet, unpaused
 * and not yet notified; otherwise that timer is "skipped". The notification, its alert and any
 * escalation commit together with the event, so one deadline gives one warning and one breach whatever
 * the retries or duplicate timers.
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

  /** Answers one outcome per timer, in order. */
  async fire(timers: readonly DeadlineTimer[], now: Date = new Date()): Promise<TimerOutcome[]> {
    const outcomes: TimerOutcome[] = timers.map(() => 'skipped');
    const followUps: TimerJob[] = [];
    const fired: Notice[] = [];
    await this.dataSource.transaction(async (manager) => {
      outcomes.fill('skipped');
      followUps.length = 0;
      fired.length = 0;
      for (const round of firingRounds(timers)) {
        const result = await this.fireRound(
          manager,
          round.map((index) => ({ index, timer: timers[index] as DeadlineTimer })),
          now,
        );
        fired.push(...result.fired);
        followUps.push(...result.followUps);
      }
      for (const notice of fired) outcomes[notice.index] = 'fired';
    });
    for (const { timer, alert } of fired) {
      this.logger.log({ msg: `SLA ${timer.phase}`, complaintId: timer.complaintId, kind: timer.kind, lateByMs: alert.detail['lateByMs'] });
    }
    // After the commit: a crash before this line loses no timer, reconciliation rebuilds it.
    await this.timers.schedule(followUps, now);
    return outcomes;
  }

  /** One round: timers of distinct complaints. */
  private async fireRound(
    manager: EntityManager,
    round: ReadonlyArray<{ index: number; timer: DeadlineTimer }>,
    now: Date,
  ): Promise<{ fired: Notice[]; followUps: TimerJob[] }> {
    const locked = await this.complaints.lockDeadlines(
      manager,
      round.map(({ timer }) => ({ complaintId: timer.complaintId, kind: timer.kind })),
    );
    const deadlines = new Map(locked.map((row) => [`${row.complaint_id}/${row.kind}`, row]));
    const current = round.flatMap(({ index, timer }) => {
      const deadline = deadlines.get(`${timer.complaintId}/${timer.kind}`);
      return deadline !== undefined && isDue(timer, deadline, now) ? [{ index, timer, deadline }] : [];
    });
    const complaints = new Map((await this.complaints.findMany(manager, current.map(({ timer }) => timer.complaintId))).map((row) => [row.id, row]));

    const notices: Notice[] = [];
    for (const { index, timer, deadline } of current) {
      const complaint = complaints.get(timer.complaintId);
      if (complaint === undefined || complaint.state === 'closed' || deadline.due_at === null) continue;
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
      const alert: NewAlert = {
        dedupKey: `${event.type}:${complaint.id}:${timer.kind}:${deadline.cycle}`,
        kind: event.type,
        complaintId: complaint.id,
        storeId: complaint.store_id,
        severity: complaint.severity,
        // Late by the stored instant it was due at, whatever the job's own clock said.
        detail: { ...base, reference: complaint.reference, eventId: event.id, lateByMs: now.getTime() - dueInstant(timer, deadline).getTime() },
        at: now,
      };
      notices.push({ index, timer, complaint, cycle: deadline.cycle, event, alert });
    }
    if (notices.length === 0) return { fired: [], followUps: [] };

    await this.complaints.markNotifiedMany(
      manager,
      notices.map(({ timer }) => ({ complaintId: timer.complaintId, kind: timer.kind, phase: timer.phase })),
      now,
    );
    await appendToOutbox(
      manager,
      notices.map(({ event }) => event),
      this.topics.events,
    );
    await this.complaints.historyMany(
      manager,
      notices.map(({ timer, cycle, event }) => ({ complaintId: timer.complaintId, kind: event.type, actor: null, detail: { kind: timer.kind, cycle } })),
      now,
    );
    const breaches = notices.filter(({ timer }) => timer.phase === 'breach');
    const escalations = await this.escalations.applyMany(
      manager,
      breaches.map(({ timer, complaint, event }) => ({ complaint, event: { type: 'sla_breached', kind: timer.kind }, causationId: event.id })),
      now,
    );
    const escalationOf = new Map(breaches.map((notice, position) => [notice.index, escalations[position]]));
    // Each alert just before its escalation's, as the stream shows them.
    await this.alerts.insert(
      manager,
      notices.flatMap(({ index, alert }) => [alert, ...(escalationOf.get(index)?.alerts ?? [])]),
    );
    return { fired: notices, followUps: escalations.flatMap((escalation) => escalation.timers) };
  }
}

function dueInstant(timer: DeadlineTimer, deadline: DeadlineRow): Date {
  const stored = timer.phase === 'breach' ? deadline.due_at : deadline.warn_at;
  return stored ?? new Date(timer.at);
}

/**
 * Whether a timer still stands for its deadline: same version, unmet, unpaused, not yet notified (a
 * warning neither once breached), and a warning only while its deadline is ahead (one that comes due
 * after it, as after a restart or a lost Redis, has nothing left to warn of).
 */
function isDue(timer: DeadlineTimer, deadline: DeadlineRow, now: Date): boolean {
  if (deadline.version !== timer.version || deadline.met_at !== null || deadline.paused_at !== null) return false;
  if (timer.phase === 'breach') return deadline.breached_at === null;
  return deadline.warned_at === null && deadline.breached_at === null && deadline.due_at !== null && now < deadline.due_at;
}
