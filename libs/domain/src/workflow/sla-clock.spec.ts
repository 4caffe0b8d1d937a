import { CHANNELS, DEADLINE_KINDS as CONTRACT_DEADLINE_KINDS } from '@app/contracts';
import { ALWAYS_OPEN, type StoreCalendar } from './business-calendar';
import {
  DEADLINE_KINDS,
  DEFAULT_SLA_TARGETS,
  SLA_CHANNELS,
  consumedBusinessTime,
  isBreached,
  meetClock,
  pauseClock,
  remainingBusinessTime,
  restartClock,
  resumeClock,
  slaTargetProblems,
  slaTargetsFor,
  startClock,
  targetMsFor,
  warningAt,
  type SlaClock,
  type SlaTargets,
} from './sla-clock';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const at = (iso: string): Date => new Date(iso);

const nineToFive = [{ open: '09:00', close: '17:00' }];
const LONDON_STORE: StoreCalendar = {
  kind: 'store',
  timeZone: 'Europe/London',
  openingHours: { 1: nineToFive, 2: nineToFive, 3: nineToFive, 4: nineToFive, 5: nineToFive },
  holidays: [],
};

/** A 4-hour resolution clock on the 24×7 calendar, started at 10:00Z on Monday 19 Jan 2026. */
function resolutionClock(targetMs = 4 * HOUR, startedAt = at('2026-01-19T10:00:00Z')): SlaClock {
  return startClock(ALWAYS_OPEN, { kind: 'resolution', targetMs }, startedAt);
}

describe('SLA targets', () => {
  it('has the same channels and deadline kinds as the event contracts', () => {
    expect([...SLA_CHANNELS]).toEqual([...CHANNELS]);
    expect([...DEADLINE_KINDS]).toEqual([...CONTRACT_DEADLINE_KINDS]);
  });

  it('defaults to 15 min / 4 h, 1 h / 24 h, 4 h / 72 h and 24 h / 7 days', () => {
    expect(slaTargetsFor(DEFAULT_SLA_TARGETS, 'critical', 'hotline')).toEqual({ firstResponseMs: 15 * MINUTE, resolutionMs: 4 * HOUR });
    expect(slaTargetsFor(DEFAULT_SLA_TARGETS, 'high', 'email')).toEqual({ firstResponseMs: HOUR, resolutionMs: DAY });
    expect(slaTargetsFor(DEFAULT_SLA_TARGETS, 'normal', 'instore')).toEqual({ firstResponseMs: 4 * HOUR, resolutionMs: 3 * DAY });
    expect(slaTargetsFor(DEFAULT_SLA_TARGETS, 'low', 'email')).toEqual({ firstResponseMs: DAY, resolutionMs: 7 * DAY });
    expect(slaTargetProblems(DEFAULT_SLA_TARGETS)).toEqual([]);
  });

  it('applies a per-channel override only to that channel and only to the fields it gives', () => {
    const targets: SlaTargets = {
      ...DEFAULT_SLA_TARGETS,
      normal: { ...DEFAULT_SLA_TARGETS.normal, byChannel: { email: { firstResponseMs: 8 * HOUR } } },
    };
    expect(slaTargetsFor(targets, 'normal', 'email')).toEqual({ firstResponseMs: 8 * HOUR, resolutionMs: 3 * DAY });
    expect(slaTargetsFor(targets, 'normal', 'hotline')).toEqual({ firstResponseMs: 4 * HOUR, resolutionMs: 3 * DAY });
    expect(targetMsFor(slaTargetsFor(targets, 'normal', 'email'), 'first_response')).toBe(8 * HOUR);
    expect(targetMsFor(slaTargetsFor(targets, 'normal', 'email'), 'resolution')).toBe(3 * DAY);
  });

  it('names each unusable target', () => {
    const targets: SlaTargets = {
      ...DEFAULT_SLA_TARGETS,
      high: { firstResponseMs: 0, resolutionMs: 1.5, byChannel: { email: { resolutionMs: -1 } } },
    };
    expect(slaTargetProblems(targets)).toEqual([
      'high.firstResponseMs must be a whole number of ms > 0',
      'high.resolutionMs must be a whole number of ms > 0',
      'high.byChannel.email.resolutionMs must be a whole number of ms > 0',
    ]);
  });
});

describe('startClock', () => {
  it('is due after the target on a 24×7 calendar, at version 1', () => {
    expect(resolutionClock()).toEqual({
      kind: 'resolution',
      targetMs: 4 * HOUR,
      startedAt: at('2026-01-19T10:00:00Z'),
      consumedBusinessMs: 0,
      pausedAt: null,
      pauses: [],
      dueAt: at('2026-01-19T14:00:00Z'),
      metAt: null,
      version: 1,
    });
  });

  it('is due in business time on a store calendar', () => {
    const clock = startClock(LONDON_STORE, { kind: 'first_response', targetMs: 4 * HOUR }, at('2026-01-16T15:00:00Z'));
    expect(clock.dueAt).toEqual(at('2026-01-19T11:00:00Z'));
  });

  it('refuses a target that is not a positive whole number of ms', () => {
    expect(() => resolutionClock(0)).toThrow(RangeError);
    expect(() => resolutionClock(1.5)).toThrow(RangeError);
  });
});

describe('pause and resume', () => {
  it('keeps the remaining time: paused after 1 h of 4 h, resumed 4 h later, due 3 h after the resume', () => {
    const paused = pauseClock(resolutionClock(), ALWAYS_OPEN, at('2026-01-19T11:00:00Z'));
    expect(paused).toMatchObject({ consumedBusinessMs: HOUR, pausedAt: at('2026-01-19T11:00:00Z'), dueAt: null, version: 2 });
    const resumed = resumeClock(paused, ALWAYS_OPEN, at('2026-01-19T15:00:00Z'));
    expect(resumed).toMatchObject({
      consumedBusinessMs: HOUR,
      pausedAt: null,
      pauses: [{ from: at('2026-01-19T11:00:00Z'), to: at('2026-01-19T15:00:00Z') }],
      dueAt: at('2026-01-19T18:00:00Z'),
      version: 3,
    });
    expect(remainingBusinessTime(resumed, ALWAYS_OPEN, at('2026-01-19T15:00:00Z'))).toBe(3 * HOUR);
  });

  it('keeps every pause, oldest first', () => {
    let clock = resolutionClock();
    clock = pauseClock(clock, ALWAYS_OPEN, at('2026-01-19T10:30:00Z'));
    clock = resumeClock(clock, ALWAYS_OPEN, at('2026-01-19T11:00:00Z'));
    clock = pauseClock(clock, ALWAYS_OPEN, at('2026-01-19T12:00:00Z'));
    clock = resumeClock(clock, ALWAYS_OPEN, at('2026-01-20T09:00:00Z'));
    expect(clock.pauses).toEqual([
      { from: at('2026-01-19T10:30:00Z'), to: at('2026-01-19T11:00:00Z') },
      { from: at('2026-01-19T12:00:00Z'), to: at('2026-01-20T09:00:00Z') },
    ]);
    expect(clock.consumedBusinessMs).toBe(90 * MINUTE);
    expect(clock.dueAt).toEqual(at('2026-01-20T11:30:00Z'));
    expect(clock.version).toBe(5);
  });

  it('counts only business time on a store calendar: paused Friday 16:00, resumed Monday 10:00', () => {
    // 4 h target from Friday 13:00: 3 h used by 16:00, 1 h left from Monday 10:00.
    const started = startClock(LONDON_STORE, { kind: 'resolution', targetMs: 4 * HOUR }, at('2026-01-16T13:00:00Z'));
    const paused = pauseClock(started, LONDON_STORE, at('2026-01-16T16:00:00Z'));
    expect(paused.consumedBusinessMs).toBe(3 * HOUR);
    const resumed = resumeClock(paused, LONDON_STORE, at('2026-01-19T10:00:00Z'));
    expect(resumed.dueAt).toEqual(at('2026-01-19T11:00:00Z'));
  });

  it('does not breach while paused, even past the old due time', () => {
    const paused = pauseClock(resolutionClock(), ALWAYS_OPEN, at('2026-01-19T11:00:00Z'));
    expect(isBreached(paused, at('2026-01-25T00:00:00Z'))).toBe(false);
  });

  it('leaves a clock already paused, not paused, or met unchanged', () => {
    const paused = pauseClock(resolutionClock(), ALWAYS_OPEN, at('2026-01-19T11:00:00Z'));
    expect(pauseClock(paused, ALWAYS_OPEN, at('2026-01-19T12:00:00Z'))).toBe(paused);
    const running = resolutionClock();
    expect(resumeClock(running, ALWAYS_OPEN, at('2026-01-19T12:00:00Z'))).toBe(running);
    const met = meetClock(running, at('2026-01-19T12:00:00Z'));
    expect(pauseClock(met, ALWAYS_OPEN, at('2026-01-19T13:00:00Z'))).toBe(met);
    expect(meetClock(met, at('2026-01-19T13:00:00Z'))).toBe(met);
  });

  it('reads a `now` slightly before the last change as that change', () => {
    const paused = pauseClock(resolutionClock(), ALWAYS_OPEN, at('2026-01-19T09:59:59.990Z'));
    expect(paused).toMatchObject({ consumedBusinessMs: 0, pausedAt: at('2026-01-19T10:00:00Z') });
    const resumed = resumeClock(paused, ALWAYS_OPEN, at('2026-01-19T09:59:59.000Z'));
    expect(resumed.pauses).toEqual([{ from: at('2026-01-19T10:00:00Z'), to: at('2026-01-19T10:00:00Z') }]);
    expect(resumed.dueAt).toEqual(at('2026-01-19T14:00:00Z'));
  });

  it('keeps the instant a clock ran out when it is resumed after running out', () => {
    // Breached at 14:00, paused at 15:00, resumed the next day: still due (breached) at 14:00.
    const paused = pauseClock(resolutionClock(), ALWAYS_OPEN, at('2026-01-19T15:00:00Z'));
    expect(isBreached(paused, at('2026-01-19T15:30:00Z'))).toBe(true);
    const resumed = resumeClock(paused, ALWAYS_OPEN, at('2026-01-20T09:00:00Z'));
    expect(resumed.dueAt).toEqual(at('2026-01-19T14:00:00Z'));
    expect(isBreached(resumed, at('2026-01-20T09:00:00Z'))).toBe(true);
  });
});

describe('meet and breach', () => {
  const clock = resolutionClock();
  const due = at('2026-01-19T14:00:00Z');

  it('breaches exactly at the due time, not 1 ms before', () => {
    expect(isBreached(clock, new Date(due.getTime() - 1))).toBe(false);
    expect(isBreached(clock, due)).toBe(true);
  });

  it('never breaches once met in time, however late it is asked', () => {
    const met = meetClock(clock, new Date(due.getTime() - 1));
    expect(met).toMatchObject({ metAt: new Date(due.getTime() - 1), dueAt: due, version: 2 });
    expect(isBreached(met, due)).toBe(false);
    expect(isBreached(met, at('2027-01-01T00:00:00Z'))).toBe(false);
  });

  it('counts a deadline met at its due time, or later, as breached', () => {
    expect(isBreached(meetClock(clock, due), at('2027-01-01T00:00:00Z'))).toBe(true);
    expect(isBreached(meetClock(clock, at('2026-01-19T16:00:00Z')), at('2027-01-01T00:00:00Z'))).toBe(true);
  });

  it('ends a pause when a paused clock is met, and counts its business time to the meeting', () => {
    const paused = pauseClock(clock, ALWAYS_OPEN, at('2026-01-19T11:00:00Z'));
    const met = meetClock(paused, at('2026-01-19T16:00:00Z'));
    expect(met).toMatchObject({
      pausedAt: null,
      pauses: [{ from: at('2026-01-19T11:00:00Z'), to: at('2026-01-19T16:00:00Z') }],
      metAt: at('2026-01-19T16:00:00Z'),
      version: 3,
    });
    expect(isBreached(met, at('2026-01-20T00:00:00Z'))).toBe(false);
    expect(consumedBusinessTime(met, ALWAYS_OPEN, at('2026-01-20T00:00:00Z'))).toBe(HOUR);
  });

  it('stops counting business time at the meeting', () => {
    const met = meetClock(clock, at('2026-01-19T12:30:00Z'));
    expect(consumedBusinessTime(met, ALWAYS_OPEN, at('2026-01-19T12:00:00Z'))).toBe(2 * HOUR);
    expect(consumedBusinessTime(met, ALWAYS_OPEN, at('2026-01-20T00:00:00Z'))).toBe(150 * MINUTE);
  });
});

describe('warningAt', () => {
  it('warns at 75% of the target by default', () => {
    expect(warningAt(resolutionClock(), ALWAYS_OPEN)).toEqual(at('2026-01-19T13:00:00Z'));
    expect(warningAt(resolutionClock(), ALWAYS_OPEN, 0.5)).toEqual(at('2026-01-19T12:00:00Z'));
  });

  it('warns in business time on a store calendar: 3 h of a 4 h target from Friday 15:00 is Monday 10:00', () => {
    const clock = startClock(LONDON_STORE, { kind: 'first_response', targetMs: 4 * HOUR }, at('2026-01-16T15:00:00Z'));
    expect(warningAt(clock, LONDON_STORE)).toEqual(at('2026-01-19T10:00:00Z'));
  });

  it('moves the warning by the pause: 1 h used, paused 4 h, the 3 h mark is 2 h after the resume', () => {
    const paused = pauseClock(resolutionClock(), ALWAYS_OPEN, at('2026-01-19T11:00:00Z'));
    expect(warningAt(paused, ALWAYS_OPEN)).toBeNull();
    const resumed = resumeClock(paused, ALWAYS_OPEN, at('2026-01-19T15:00:00Z'));
    expect(warningAt(resumed, ALWAYS_OPEN)).toEqual(at('2026-01-19T17:00:00Z'));
  });

  it('gives the past instant when the share was reached before a pause', () => {
    const paused = pauseClock(resolutionClock(), ALWAYS_OPEN, at('2026-01-19T13:30:00Z'));
    expect(warningAt(paused, ALWAYS_OPEN)).toEqual(at('2026-01-19T13:00:00Z'));
    const resumed = resumeClock(paused, ALWAYS_OPEN, at('2026-01-19T14:00:00Z'));
    expect(warningAt(resumed, ALWAYS_OPEN)).toEqual(at('2026-01-19T13:00:00Z'));
    expect(resumed.dueAt).toEqual(at('2026-01-19T14:30:00Z'));
  });

  it('finds the share in an earlier running stretch when there were several pauses', () => {
    let clock = resolutionClock();
    clock = pauseClock(clock, ALWAYS_OPEN, at('2026-01-19T12:00:00Z'));
    clock = resumeClock(clock, ALWAYS_OPEN, at('2026-01-19T13:00:00Z'));
    clock = pauseClock(clock, ALWAYS_OPEN, at('2026-01-19T14:30:00Z'));
    // 2 h before the first pause, 1 h 30 after it: the 3 h mark was at 14:00.
    expect(warningAt(clock, ALWAYS_OPEN)).toEqual(at('2026-01-19T14:00:00Z'));
  });

  it('gives no warning for a met clock and refuses a share outside 0..1', () => {
    expect(warningAt(meetClock(resolutionClock(), at('2026-01-19T11:00:00Z')), ALWAYS_OPEN)).toBeNull();
    expect(() => warningAt(resolutionClock(), ALWAYS_OPEN, 1.5)).toThrow(RangeError);
  });
});

describe('versions', () => {
  it('increments on every change, so each timer of a deadline has its own job id', () => {
    const jobId = (clock: SlaClock): string => `sla-c1-${clock.kind.replace('_', '-')}-v${clock.version}`;
    const started = resolutionClock();
    const paused = pauseClock(started, ALWAYS_OPEN, at('2026-01-19T11:00:00Z'));
    const resumed = resumeClock(paused, ALWAYS_OPEN, at('2026-01-19T12:00:00Z'));
    expect([started, paused, resumed].map(jobId)).toEqual(['sla-c1-resolution-v1', 'sla-c1-resolution-v2', 'sla-c1-resolution-v3']);
  });

  it('continues the version across a restart, which starts again with the full target', () => {
    const met = meetClock(resolutionClock(), at('2026-01-19T12:00:00Z'));
    const restarted = restartClock(met, ALWAYS_OPEN, 4 * HOUR, at('2026-01-20T09:00:00Z'));
    expect(restarted).toEqual({
      kind: 'resolution',
      targetMs: 4 * HOUR,
      startedAt: at('2026-01-20T09:00:00Z'),
      consumedBusinessMs: 0,
      pausedAt: null,
      pauses: [],
      dueAt: at('2026-01-20T13:00:00Z'),
      metAt: null,
      version: 3,
    });
  });
});
