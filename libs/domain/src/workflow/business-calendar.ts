import { IANAZone } from 'luxon';

/**
 * Business time: the hours against which an SLA target runs. The hotline runs 24×7; a store counts only
 * its opening hours, in its own time zone, and not on its holidays.
 *
 * Business time is real elapsed time while open. On a daylight-saving change day an opening of
 * 00:00–04:00 lasts three hours in spring and five in autumn, because that is how long the store is open.
 * A wall-clock time that does not exist (skipped in spring) means the instant the clocks jump to; one that
 * occurs twice (repeated in autumn) means its first occurrence.
 */

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** One opening on a day, local wall-clock time 'HH:mm'; `close` may be '24:00' for the end of the day. */
export interface OpeningInterval {
  readonly open: string;
  readonly close: string;
}

export interface AlwaysOpenCalendar {
  readonly kind: '24x7';
}

export interface StoreCalendar {
  readonly kind: 'store';
  /** IANA time zone, e.g. 'Europe/London'. */
  readonly timeZone: string;
  /** Openings per ISO weekday, in order and not overlapping; a missing or empty day is closed. */
  readonly openingHours: Readonly<Partial<Record<IsoWeekday, readonly OpeningInterval[]>>>;
  /** Local dates 'YYYY-MM-DD' on which the store is closed all day. */
  readonly holidays: readonly string[];
}

export type BusinessCalendar = AlwaysOpenCalendar | StoreCalendar;

export const ALWAYS_OPEN: AlwaysOpenCalendar = { kind: '24x7' };

const ISO_WEEKDAYS: readonly IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];
const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

function minuteOfDay(time: string, isClose: boolean): number | null {
  if (isClose && time === '24:00') return 24 * 60;
  const match = TIME_OF_DAY.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * What is wrong with a calendar, one message per problem; empty when it is usable. A store calendar
 * needs a known time zone, well-formed non-overlapping openings and at least one open weekday (without
 * one, no deadline could ever fall due).
 */
export function businessCalendarProblems(calendar: BusinessCalendar): string[] {
  if (calendar.kind === '24x7') return [];
  const problems: string[] = [];
  if (!IANAZone.isValidZone(calendar.timeZone)) problems.push(`unknown time zone '${calendar.timeZone}'`);
  let openDays = 0;
  for (const weekday of ISO_WEEKDAYS) {
    const intervals = calendar.openingHours[weekday] ?? [];
    if (intervals.length > 0) openDays += 1;
    let previousClose = -1;
    for (const { open, close } of intervals) {
      const from = minuteOfDay(open, false);
      const to = minuteOfDay(close, true);
      if (from === null || to === null) {
        problems.push(`weekday ${weekday}: '${open}'–'${close}' is not HH:mm–HH:mm`);
        continue;
      }
      if (to <= from) problems.push(`weekday ${weekday}: ${open}–${close} closes before it opens`);
      if (from < previousClose) problems.push(`weekday ${weekday}: ${open}–${close} overlaps or is out of order`);
      previousClose = to;
    }
  }
  for (const key of Object.keys(calendar.openingHours)) {
    if (!ISO_WEEKDAYS.some((weekday) => String(weekday) === key)) problems.push(`'${key}' is not an ISO weekday 1..7`);
  }
  if (openDays === 0) problems.push('the store is never open');
  for (const holiday of calendar.holidays) {
    if (!isIsoDate(holiday)) problems.push(`holiday '${holiday}' is not a date YYYY-MM-DD`);
  }
  return problems;
}

/** A calendar made ready for arithmetic: parsed once per call. */
interface PreparedStore {
  readonly zone: IANAZone;
  readonly openings: ReadonlyMap<IsoWeekday, ReadonlyArray<readonly [number, number]>>;
  readonly holidays: ReadonlySet<string>;
}

function prepare(calendar: StoreCalendar): PreparedStore {
  const problems = businessCalendarProblems(calendar);
  if (problems.length > 0) throw new RangeError(`invalid business calendar: ${problems.join('; ')}`);
  const openings = new Map<IsoWeekday, ReadonlyArray<readonly [number, number]>>();
  for (const weekday of ISO_WEEKDAYS) {
    const intervals = (calendar.openingHours[weekday] ?? []).map(
      ({ open, close }) => [minuteOfDay(open, false) ?? 0, minuteOfDay(close, true) ?? 0] as const,
    );
    openings.set(weekday, intervals);
  }
  return { zone: IANAZone.create(calendar.timeZone), openings, holidays: new Set(calendar.holidays) };
}

/** A local calendar date, as the epoch ms of its midnight read as if it were UTC. */
type LocalDay = number;

function localDayOf(zone: IANAZone, instantMs: number): LocalDay {
  const wall = instantMs + zone.offset(instantMs) * MINUTE_MS;
  return Math.floor(wall / DAY_MS) * DAY_MS;
}

/** The instant a local wall-clock time happens (see the rules for skipped and repeated times above). */
function instantOf(zone: IANAZone, wallMs: number): number {
  const before = zone.offset(wallMs - DAY_MS / 2);
  const after = zone.offset(wallMs + DAY_MS / 2);
  const candidates = [before, after]
    .map((offset) => wallMs - offset * MINUTE_MS)
    .filter((instant) => instant + zone.offset(instant) * MINUTE_MS === wallMs);
  if (candidates.length > 0) return Math.min(...candidates);
  // Skipped: the clocks jumped over this time. Find the jump, which lies between the two readings.
  let jumpedFrom = wallMs - after * MINUTE_MS;
  let jumpedTo = wallMs - before * MINUTE_MS;
  while (jumpedTo - jumpedFrom > 1) {
    const middle = Math.floor((jumpedFrom + jumpedTo) / 2);
    if (zone.offset(middle) === before) jumpedFrom = middle;
    else jumpedTo = middle;
  }
  return jumpedTo;
}

function isoDate(day: LocalDay): string {
  return new Date(day).toISOString().slice(0, 10);
}

function isoWeekday(day: LocalDay): IsoWeekday {
  return (((new Date(day).getUTCDay() + 6) % 7) + 1) as IsoWeekday;
}

interface OpenSpan {
  readonly from: number;
  readonly to: number;
}

/** The store's open spans, in order, from the local day that contains `fromMs` onwards (endless). */
function* openSpans(store: PreparedStore, fromMs: number): Generator<OpenSpan> {
  for (let day = localDayOf(store.zone, fromMs); ; day += DAY_MS) {
    if (store.holidays.has(isoDate(day))) continue;
    for (const [open, close] of store.openings.get(isoWeekday(day)) ?? []) {
      const from = instantOf(store.zone, day + open * MINUTE_MS);
      const to = instantOf(store.zone, day + close * MINUTE_MS);
      if (to > from) yield { from, to };
    }
  }
}

function assertInstant(value: Date, name: string): number {
  const ms = value.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`${name} is not a valid date`);
  return ms;
}

/**
 * The earliest instant by which `durationMs` of business time has elapsed after `start`. On a 24×7
 * calendar that is plain addition. On a store calendar, counting starts at `start` if the store is open
 * then, otherwise at its next opening; a duration that ends exactly at a closing time is due at that
 * closing time, and a zero duration is due at `start` itself.
 */
export function addBusinessTime(calendar: BusinessCalendar, start: Date, durationMs: number): Date {
  const startMs = assertInstant(start, 'start');
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new RangeError(`durationMs must be a finite number ≥ 0, got ${durationMs}`);
  }
  if (calendar.kind === '24x7' || durationMs === 0) return new Date(startMs + durationMs);
  let remaining = durationMs;
  for (const span of openSpans(prepare(calendar), startMs)) {
    if (span.to <= startMs) continue;
    const from = Math.max(span.from, startMs);
    const available = span.to - from;
    if (remaining <= available) return new Date(from + remaining);
    remaining -= available;
  }
  throw new Error('unreachable: a valid store calendar opens again');
}

/** The business time, in ms, between two instants; 0 when `to` is not after `from`. */
export function businessTimeBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  const fromMs = assertInstant(from, 'from');
  const toMs = assertInstant(to, 'to');
  if (toMs <= fromMs) return 0;
  if (calendar.kind === '24x7') return toMs - fromMs;
  let total = 0;
  for (const span of openSpans(prepare(calendar), fromMs)) {
    if (span.from >= toMs) break;
    total += Math.max(0, Math.min(span.to, toMs) - Math.max(span.from, fromMs));
  }
  return total;
}

/** Whether the calendar counts `instant` as open time (openings include their opening, not their closing). */
export function isOpenAt(calendar: BusinessCalendar, instant: Date): boolean {
  const ms = assertInstant(instant, 'instant');
  if (calendar.kind === '24x7') return true;
  for (const span of openSpans(prepare(calendar), ms)) {
    if (span.from > ms) return false;
    if (ms < span.to) return true;
  }
  return false;
}
