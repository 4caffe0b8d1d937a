import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  ALWAYS_OPEN,
  businessCalendarProblems,
  DEFAULT_SLA_TARGETS,
  slaTargetProblems,
  slaTargetsFor,
  startClock,
  targetMsFor,
  warningAt,
  type BusinessCalendar,
  type DeadlineKind,
  type SeverityLevel,
  type SlaChannel,
  type SlaClock,
  type SlaTargets,
} from '@app/domain';
import type { EntityManager } from 'typeorm';
import type { StoredDeadline } from '../complaints/workflow-complaint.repository';
import type { TimerJob } from '../timers/timer-jobs';

/**
 * SLA targets (configuration) and calendars: the hotline operation runs 24×7; complaints raised in a
 * store run against that store's calendar (opening hours, holidays, time zone) when one is configured.
 */
@Injectable()
export class SlaPolicyService {
  readonly targets: SlaTargets;
  readonly warningShare: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const configured = config.workflow.slaTargets;
    this.targets = configured === null ? DEFAULT_SLA_TARGETS : (configured as SlaTargets);
    const problems = configured === null ? [] : slaTargetProblems(this.targets);
    if (problems.length > 0) throw new Error(`SLA_TARGETS_JSON: ${problems.join('; ')}`);
    this.warningShare = config.workflow.warningShare;
  }

  /**
   * The business calendar each complaint's clocks run on, in order: its store's for an in-store
   * complaint of a store with a valid calendar, else always open. One query for all the stores.
   */
  async calendarsFor(manager: EntityManager, complaints: ReadonlyArray<{ channel: string; storeId: string | null }>): Promise<BusinessCalendar[]> {
    // Only an in-store complaint keeps its store's hours.
    const stores = complaints.map((complaint) => (complaint.channel === 'instore' ? complaint.storeId : null));
    const storeIds = [...new Set(stores.filter((storeId): storeId is string => storeId !== null))];
    const rows =
      storeIds.length === 0
        ? []
        : ((await manager.query('SELECT store_id, time_zone, opening_hours, holidays FROM store_calendars WHERE store_id = ANY($1::text[])', [storeIds])) as Array<{
            store_id: string;
            time_zone: string;
            opening_hours: Record<string, Array<{ open: string; close: string }>>;
            holidays: string[];
          }>);
    const byStore = new Map<string, BusinessCalendar>();
    for (const row of rows) {
      const calendar = { kind: 'store', timeZone: row.time_zone, openingHours: row.opening_hours, holidays: row.holidays } as BusinessCalendar;
      if (businessCalendarProblems(calendar).length === 0) byStore.set(row.store_id, calendar);
    }
    return stores.map((storeId) => (storeId === null ? undefined : byStore.get(storeId)) ?? ALWAYS_OPEN);
  }

  targetMs(severity: string, channel: string, kind: DeadlineKind): number {
    return targetMsFor(slaTargetsFor(this.targets, severity as SeverityLevel, channel as SlaChannel), kind);
  }

  start(complaintId: string, calendar: BusinessCalendar, kind: DeadlineKind, targetMs: number, startedAt: Date): StoredDeadline {
    return this.stored(complaintId, 1, calendar, startClock(calendar, { kind, targetMs }, startedAt));
  }

  stored(complaintId: string, cycle: number, calendar: BusinessCalendar, clock: SlaClock): StoredDeadline {
    return { complaintId, cycle, calendar, clock, warnAt: warningAt(clock, calendar, this.warningShare) };
  }
}

/** The timers a stored deadline needs now: none when met or paused; else its warning (if ahead of due) and breach. */
export function timersOf(deadline: StoredDeadline): TimerJob[] {
  const { clock } = deadline;
  if (clock.metAt !== null || clock.dueAt === null || clock.pausedAt !== null) return [];
  const base = { complaintId: deadline.complaintId, kind: clock.kind, version: clock.version };
  const jobs: TimerJob[] = [];
  if (deadline.warnAt !== null && deadline.warnAt < clock.dueAt) {
    jobs.push({ name: 'sla-deadline', data: { ...base, phase: 'warning', at: deadline.warnAt.toISOString() } });
  }
  jobs.push({ name: 'sla-deadline', data: { ...base, phase: 'breach', at: clock.dueAt.toISOString() } });
  return jobs;
}
