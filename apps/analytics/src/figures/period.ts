import { DateTime } from 'luxon';

export const PERIOD_KINDS = ['day', 'week', 'month'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export const SEGMENT_KINDS = ['all', 'store', 'channel', 'category', 'severity'] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];

export interface PeriodWindow {
  readonly kind: PeriodKind;
  /** Inclusive start, UTC. */
  readonly from: Date;
  /** Exclusive end, UTC. */
  readonly to: Date;
}

/** The day, ISO week (Monday to Sunday) or calendar month, in UTC, that contains `date` (YYYY-MM-DD). */
export function periodWindow(kind: PeriodKind, date: string): PeriodWindow {
  const day = DateTime.fromISO(date, { zone: 'utc' });
  if (!day.isValid) throw new RangeError(`not a date: ${date}`);
  const unit = kind === 'week' ? 'week' : kind;
  const start = day.startOf(unit);
  return { kind, from: start.toJSDate(), to: start.plus({ [`${unit}s`]: 1 }).toJSDate() };
}

/** The label of a segment a complaint belongs to; complaints without a store fall in '(none)'. */
export function segmentValue(kind: SegmentKind, facts: { store_id: string | null; channel: string | null; category: string | null; severity: string | null }): string {
  switch (kind) {
    case 'all':
      return 'all';
    case 'store':
      return facts.store_id ?? '(none)';
    case 'channel':
      return facts.channel ?? '(unknown)';
    case 'category':
      return facts.category ?? '(unknown)';
    case 'severity':
      return facts.severity ?? '(unknown)';
  }
}

/** Groups items by segment value, in a stable order of the values. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const value = key(item);
    const group = groups.get(value);
    if (group === undefined) groups.set(value, [item]);
    else group.push(item);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}
