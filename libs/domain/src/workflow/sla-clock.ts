import type { SeverityLevel } from '../intake/severity';
import { addBusinessTime, businessTimeBetween, type BusinessCalendar } from './business-calendar';

/**
 * SLA deadlines. Every complaint has two: a first response and a resolution, each a target in business
 * time (see business-calendar.ts) set by severity and channel. A clock counts the business time a
 * deadline has used; it pauses while the complaint waits for the customer and resumes with the time that
 * was left. The clock's `dueAt` is what a timer is scheduled for; every change of the clock increments
 * its `version`, so a timer scheduled for an older version knows it is stale.
 */

export const DEADLINE_KINDS = ['first_response', 'resolution'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

export const SLA_CHANNELS = ['hotline', 'email', 'instore'] as const;
export type SlaChannel = (typeof SLA_CHANNELS)[number];

export interface SlaDurations {
  readonly firstResponseMs: number;
  readonly resolutionMs: number;
}

export interface SlaSeverityTargets extends SlaDurations {
  /** Per-channel changes to this severity's targets; what a channel leaves out keeps the severity's value. */
  readonly byChannel?: Readonly<Partial<Record<SlaChannel, Partial<SlaDurations>>>>;
}

export type SlaTargets = Readonly<Record<SeverityLevel, SlaSeverityTargets>>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DEFAULT_SLA_TARGETS: SlaTargets = {
  critical: { firstResponseMs: 15 * MINUTE, resolutionMs: 4 * HOUR },
  high: { firstResponseMs: 1 * HOUR, resolutionMs: 24 * HOUR },
  normal: { firstResponseMs: 4 * HOUR, resolutionMs: 72 * HOUR },
  low: { firstResponseMs: 24 * HOUR, resolutionMs: 7 * DAY },
};

/** The share of a target after which the owner is warned. */
export const DEFAULT_WARNING_SHARE = 0.75;

/** The targets that apply to a complaint of this severity that came in on this channel. */
export function slaTargetsFor(targets: SlaTargets, severity: SeverityLevel, channel: SlaChannel): SlaDurations {
  const { firstResponseMs, resolutionMs, byChannel } = targets[severity];
  const override = byChannel?.[channel];
  return {
    firstResponseMs: override?.firstResponseMs ?? firstResponseMs,
    resolutionMs: override?.resolutionMs ?? resolutionMs,
  };
}

/** The target of one deadline kind out of a pair of durations. */
export function targetMsFor(durations: SlaDurations, kind: DeadlineKind): number {
  return kind === 'first_response' ? durations.firstResponseMs : durations.resolutionMs;
}

function isPositiveWholeMs(value: number | undefined): boolean {
  return value !== undefined && Number.isSafeInteger(value) && value > 0;
}

/** What is wrong with a targets configuration, one message per problem; empty when it is usable. */
export function slaTargetProblems(targets: SlaTargets): string[] {
  const problems: string[] = [];
  const severities: readonly SeverityLevel[] = ['critical', 'high', 'normal', 'low'];
  for (const severity of severities) {
    const spec = targets[severity];
    if (spec === undefined) {
      problems.push(`${severity}: no targets`);
      continue;
    }
    for (const field of ['firstResponseMs', 'resolutionMs'] as const) {
      if (!isPositiveWholeMs(spec[field])) problems.push(`${severity}.${field} must be a whole number of ms > 0`);
      for (const [channel, override] of Object.entries(spec.byChannel ?? {})) {
        if (!(SLA_CHANNELS as readonly string[]).includes(channel)) {
          if (field === 'firstResponseMs') problems.push(`${severity}.byChannel: unknown channel '${channel}'`);
          continue;
        }
        const value = override?.[field];
        if (value !== undefined && !isPositiveWholeMs(value)) {
          problems.push(`${severity}.byChannel.${channel}.${field} must be a whole number of ms > 0`);
        }
      }
    }
  }
  return problems;
}

export interface SlaPause {
  readonly from: Date;
  readonly to: Date;
}

export interface SlaClock {
  readonly kind: DeadlineKind;
  readonly targetMs: number;
  readonly startedAt: Date;
  /** Business time used up to the last pause (the current running stretch is not included). */
  readonly consumedBusinessMs: number;
  /** Set while paused. */
  readonly pausedAt: Date | null;
  /** Finished pauses, oldest first; the one in progress is `pausedAt`. */
  readonly pauses: readonly SlaPause[];
  /** When the target runs out; null while paused. */
  readonly dueAt: Date | null;
  readonly metAt: Date | null;
  /** 1 at start; incremented by every change. */
  readonly version: number;
}

export interface SlaClockTarget {
  readonly kind: DeadlineKind;
  readonly targetMs: number;
}

function assertTarget(targetMs: number): void {
  if (!isPositiveWholeMs(targetMs)) throw new RangeError(`targetMs must be a whole number of ms > 0, got ${targetMs}`);
}

function later(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

/** When the current (or last) running stretch began: the start, or the end of the last pause. */
function lastResumedAt(clock: SlaClock): Date {
  return clock.pauses.length > 0 ? clock.pauses[clock.pauses.length - 1].to : clock.startedAt;
}

/** A new clock that starts counting at `startedAt` (or at the calendar's next opening). */
export function startClock(calendar: BusinessCalendar, target: SlaClockTarget, startedAt: Date): SlaClock {
  assertTarget(target.targetMs);
  return {
    kind: target.kind,
    targetMs: target.targetMs,
    startedAt,
    consumedBusinessMs: 0,
    pausedAt: null,
    pauses: [],
    dueAt: addBusinessTime(calendar, startedAt, target.targetMs),
    metAt: null,
    version: 1,
  };
}

/**
 * A fresh clock that replaces `previous`, e.g. a new resolution cycle after a reopen, with the full
 * target again. Its version continues from the previous clock's, so timers of the two never share an id.
 */
export function restartClock(previous: SlaClock, calendar: BusinessCalendar, targetMs: number, startedAt: Date): SlaClock {
  return { ...startClock(calendar, { kind: previous.kind, targetMs }, startedAt), version: previous.version + 1 };
}

/**
 * Stops the clock at `now`, keeping the business time used so far; it has no due time while paused.
 * A clock already paused or met is returned unchanged. A `now` before the clock's last change counts as
 * that change (instances' clocks may differ by a few ms).
 */
export function pauseClock(clock: SlaClock, calendar: BusinessCalendar, now: Date): SlaClock {
  if (clock.metAt !== null || clock.pausedAt !== null) return clock;
  const resumedAt = lastResumedAt(clock);
  const at = later(now, resumedAt);
  return {
    ...clock,
    consumedBusinessMs: clock.consumedBusinessMs + businessTimeBetween(calendar, resumedAt, at),
    pausedAt: at,
    dueAt: null,
    version: clock.version + 1,
  };
}

/**
 * Starts a paused clock again at `now` with the business time that was left: due when that much more
 * business time has passed. A clock whose time had already run out before the pause keeps the instant
 * it ran out as its due time. A clock not paused, or met, is returned unchanged.
 */
export function resumeClock(clock: SlaClock, calendar: BusinessCalendar, now: Date): SlaClock {
  if (clock.metAt !== null || clock.pausedAt === null) return clock;
  const at = later(now, clock.pausedAt);
  const resumed: SlaClock = {
    ...clock,
    pausedAt: null,
    pauses: [...clock.pauses, { from: clock.pausedAt, to: at }],
    version: clock.version + 1,
  };
  const remaining = clock.targetMs - clock.consumedBusinessMs;
  const dueAt = remaining > 0 ? addBusinessTime(calendar, at, remaining) : instantWhenConsumed(resumed, calendar, clock.targetMs) ?? at;
  return { ...resumed, dueAt };
}

/**
 * Marks the deadline met at `now`. A paused clock's pause ends there. The due time is kept, so a report
 * can tell whether it was met in time. A clock already met is returned unchanged.
 */
export function meetClock(clock: SlaClock, now: Date): SlaClock {
  if (clock.metAt !== null) return clock;
  if (clock.pausedAt === null) {
    return { ...clock, metAt: later(now, lastResumedAt(clock)), version: clock.version + 1 };
  }
  const at = later(now, clock.pausedAt);
  return {
    ...clock,
    pausedAt: null,
    pauses: [...clock.pauses, { from: clock.pausedAt, to: at }],
    metAt: at,
    version: clock.version + 1,
  };
}

/** Business time the deadline has used by `now` (up to its meeting, for a met clock). */
export function consumedBusinessTime(clock: SlaClock, calendar: BusinessCalendar, now: Date): number {
  if (clock.pausedAt !== null) return clock.consumedBusinessMs;
  const end = clock.metAt !== null && clock.metAt.getTime() < now.getTime() ? clock.metAt : now;
  return clock.consumedBusinessMs + businessTimeBetween(calendar, lastResumedAt(clock), end);
}

/** Business time left before the deadline runs out at `now`; 0 once it has. */
export function remainingBusinessTime(clock: SlaClock, calendar: BusinessCalendar, now: Date): number {
  return Math.max(0, clock.targetMs - consumedBusinessTime(clock, calendar, now));
}

/**
 * The instant at which the clock had used, or will have used, `amountMs` of business time, counting
 * only its running stretches; null when that is not known yet (paused before reaching it) or will never
 * happen (met before reaching it).
 */
export function instantWhenConsumed(clock: SlaClock, calendar: BusinessCalendar, amountMs: number): Date | null {
  const running = clock.pausedAt === null && clock.metAt === null;
  if (running && amountMs > clock.consumedBusinessMs) {
    return addBusinessTime(calendar, lastResumedAt(clock), amountMs - clock.consumedBusinessMs);
  }
  const stretches: Array<readonly [Date, Date]> = [];
  let from = clock.startedAt;
  for (const pause of clock.pauses) {
    stretches.push([from, pause.from]);
    from = pause.to;
  }
  if (clock.pausedAt !== null) stretches.push([from, clock.pausedAt]);
  else if (clock.metAt !== null) stretches.push([from, clock.metAt]);
  let used = 0;
  for (const [stretchFrom, stretchTo] of stretches) {
    const length = businessTimeBetween(calendar, stretchFrom, stretchTo);
    if (used + length >= amountMs) return addBusinessTime(calendar, stretchFrom, amountMs - used);
    used += length;
  }
  return null;
}

/**
 * When the owner is to be warned: the instant the clock's used business time reaches `share` of its
 * target, across pauses. It may lie in the past (a warning not yet given is then due at once). Null for a
 * met clock (no warning is needed any more) and for a paused clock that has not reached the share.
 */
export function warningAt(clock: SlaClock, calendar: BusinessCalendar, share: number = DEFAULT_WARNING_SHARE): Date | null {
  if (!Number.isFinite(share) || share < 0 || share > 1) throw new RangeError(`share must be within 0..1, got ${share}`);
  if (clock.metAt !== null) return null;
  return instantWhenConsumed(clock, calendar, Math.round(share * clock.targetMs));
}

/**
 * Whether the deadline ran out before it was met, as seen at `now`: due at `dueAt` exactly (a timer that
 * fires on time sees the breach); met in time only if met strictly before. A clock met in time never
 * breaches afterwards.
 */
export function isBreached(clock: SlaClock, now: Date): boolean {
  if (clock.consumedBusinessMs >= clock.targetMs) return true;
  if (clock.dueAt === null) return false;
  const end = clock.metAt !== null && clock.metAt.getTime() < now.getTime() ? clock.metAt : now;
  return end.getTime() >= clock.dueAt.getTime();
}
