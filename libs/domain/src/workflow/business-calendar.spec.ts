import {
  ALWAYS_OPEN,
  addBusinessTime,
  businessCalendarProblems,
  businessTimeBetween,
  isOpenAt,
  type IsoWeekday,
  type OpeningInterval,
  type StoreCalendar,
} from './business-calendar';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const NINE_TO_FIVE: readonly OpeningInterval[] = [{ open: '09:00', close: '17:00' }];

function storeCalendar(overrides: Partial<StoreCalendar> = {}): StoreCalendar {
  return {
    kind: 'store',
    timeZone: 'Europe/London',
    openingHours: { 1: NINE_TO_FIVE, 2: NINE_TO_FIVE, 3: NINE_TO_FIVE, 4: NINE_TO_FIVE, 5: NINE_TO_FIVE },
    holidays: [],
    ...overrides,
  };
}

function everyDay(intervals: readonly OpeningInterval[]): Record<IsoWeekday, readonly OpeningInterval[]> {
  return { 1: intervals, 2: intervals, 3: intervals, 4: intervals, 5: intervals, 6: intervals, 7: intervals };
}

/** Instants are written with their UTC offset, as computed by hand. */
const at = (iso: string): Date => new Date(iso);

describe('addBusinessTime on a 24×7 calendar', () => {
  it('is plain addition, weekends and DST included', () => {
    expect(addBusinessTime(ALWAYS_OPEN, at('2026-03-28T23:30:00Z'), 2 * HOUR)).toEqual(at('2026-03-29T01:30:00Z'));
    expect(addBusinessTime(ALWAYS_OPEN, at('2026-01-16T15:00:00Z'), 0)).toEqual(at('2026-01-16T15:00:00Z'));
    expect(businessTimeBetween(ALWAYS_OPEN, at('2026-01-16T15:00:00Z'), at('2026-01-19T11:00:00Z'))).toBe(68 * HOUR);
  });
});

describe('addBusinessTime on a store calendar (Europe/London, Mon–Fri 09:00–17:00)', () => {
  const store = storeCalendar();

  it('carries a 4 h target from 15:00 Friday across the closed weekend to Monday 11:00', () => {
    // Friday 16 Jan 2026 (GMT): 2 h on Friday, 2 h from Monday's opening.
    expect(addBusinessTime(store, at('2026-01-16T15:00:00+00:00'), 4 * HOUR)).toEqual(at('2026-01-19T11:00:00+00:00'));
    expect(businessTimeBetween(store, at('2026-01-16T15:00:00+00:00'), at('2026-01-19T11:00:00+00:00'))).toBe(4 * HOUR);
  });

  it('skips a holiday: the same target across a bank-holiday Monday is due Tuesday 11:00', () => {
    const withHoliday = storeCalendar({ holidays: ['2026-05-04'] });
    // Friday 1 May 2026 is in BST (UTC+1).
    expect(addBusinessTime(withHoliday, at('2026-05-01T15:00:00+01:00'), 4 * HOUR)).toEqual(at('2026-05-05T11:00:00+01:00'));
    expect(businessTimeBetween(withHoliday, at('2026-05-01T15:00:00+01:00'), at('2026-05-05T11:00:00+01:00'))).toBe(4 * HOUR);
  });

  it('starts counting at the next opening when it starts in closed time', () => {
    expect(addBusinessTime(store, at('2026-01-17T12:00:00Z'), 30 * MINUTE)).toEqual(at('2026-01-19T09:30:00Z'));
    expect(addBusinessTime(store, at('2026-01-19T06:00:00Z'), 30 * MINUTE)).toEqual(at('2026-01-19T09:30:00Z'));
    expect(addBusinessTime(store, at('2026-01-19T20:00:00Z'), 30 * MINUTE)).toEqual(at('2026-01-20T09:30:00Z'));
  });

  it('is due at the closing time when the duration fills the day exactly', () => {
    expect(addBusinessTime(store, at('2026-01-16T15:00:00Z'), 2 * HOUR)).toEqual(at('2026-01-16T17:00:00Z'));
  });

  it('counts to the millisecond around opening and closing', () => {
    expect(addBusinessTime(store, at('2026-01-19T08:59:59.999Z'), 1)).toEqual(at('2026-01-19T09:00:00.001Z'));
    expect(addBusinessTime(store, at('2026-01-19T09:00:00.000Z'), 1)).toEqual(at('2026-01-19T09:00:00.001Z'));
    expect(addBusinessTime(store, at('2026-01-19T16:59:59.999Z'), 1)).toEqual(at('2026-01-19T17:00:00.000Z'));
    expect(addBusinessTime(store, at('2026-01-19T16:59:59.999Z'), 2)).toEqual(at('2026-01-20T09:00:00.001Z'));
    expect(addBusinessTime(store, at('2026-01-19T17:00:00.000Z'), 1)).toEqual(at('2026-01-20T09:00:00.001Z'));
    expect(businessTimeBetween(store, at('2026-01-19T08:59:59.999Z'), at('2026-01-19T09:00:00.001Z'))).toBe(1);
    expect(businessTimeBetween(store, at('2026-01-19T16:59:59.999Z'), at('2026-01-19T17:00:00.001Z'))).toBe(1);
  });

  it('treats an opening as open from its opening time and closed from its closing time', () => {
    expect(isOpenAt(store, at('2026-01-19T08:59:59.999Z'))).toBe(false);
    expect(isOpenAt(store, at('2026-01-19T09:00:00.000Z'))).toBe(true);
    expect(isOpenAt(store, at('2026-01-19T16:59:59.999Z'))).toBe(true);
    expect(isOpenAt(store, at('2026-01-19T17:00:00.000Z'))).toBe(false);
    expect(isOpenAt(store, at('2026-01-17T12:00:00Z'))).toBe(false);
    expect(isOpenAt(ALWAYS_OPEN, at('2026-01-17T12:00:00Z'))).toBe(true);
  });

  it('gives a zero duration back as its start, open or closed', () => {
    expect(addBusinessTime(store, at('2026-01-19T10:00:00Z'), 0)).toEqual(at('2026-01-19T10:00:00Z'));
    expect(addBusinessTime(store, at('2026-01-17T12:00:00Z'), 0)).toEqual(at('2026-01-17T12:00:00Z'));
  });

  it('runs a 7-day target over weeks of 40 business hours', () => {
    // 168 h = four full weeks (to Friday 30 Jan 17:00) + 8 h (all of Monday 2 Feb).
    expect(addBusinessTime(store, at('2026-01-05T09:00:00Z'), 168 * HOUR)).toEqual(at('2026-02-02T17:00:00Z'));
  });

  it('has no business time between instants in the wrong order or in closed time', () => {
    expect(businessTimeBetween(store, at('2026-01-19T12:00:00Z'), at('2026-01-19T10:00:00Z'))).toBe(0);
    expect(businessTimeBetween(store, at('2026-01-17T00:00:00Z'), at('2026-01-18T23:59:59Z'))).toBe(0);
  });

  it('agrees with businessTimeBetween for any start and duration', () => {
    const starts = ['2026-01-16T15:00:00Z', '2026-01-17T03:00:00Z', '2026-03-27T16:30:00Z', '2026-10-23T08:00:00Z'];
    const durations = [1, 59 * MINUTE, 8 * HOUR, 8 * HOUR + 1, 41 * HOUR];
    for (const start of starts) {
      for (const duration of durations) {
        const due = addBusinessTime(store, at(start), duration);
        expect(businessTimeBetween(store, at(start), due)).toBe(duration);
      }
    }
  });
});

describe('daylight-saving changes (Europe/London)', () => {
  it('carries a deadline over the spring-forward weekend (29 March 2026) in real time', () => {
    const store = storeCalendar({ openingHours: { 6: NINE_TO_FIVE, 7: NINE_TO_FIVE } });
    // Saturday 16:00 GMT: 1 h on Saturday, then Sunday opens at 09:00 BST = 08:00Z.
    expect(addBusinessTime(store, at('2026-03-28T16:00:00+00:00'), 2 * HOUR)).toEqual(at('2026-03-29T10:00:00+01:00'));
  });

  it('counts a night opening on the spring-forward day as the hours really open', () => {
    const store = storeCalendar({ openingHours: { 7: [{ open: '00:00', close: '04:00' }] } });
    // 00:00 GMT to 04:00 BST is three hours.
    expect(businessTimeBetween(store, at('2026-03-28T12:00:00Z'), at('2026-03-30T00:00:00Z'))).toBe(3 * HOUR);
    expect(addBusinessTime(store, at('2026-03-29T00:00:00+00:00'), 3 * HOUR)).toEqual(at('2026-03-29T04:00:00+01:00'));
    expect(addBusinessTime(store, at('2026-03-29T00:30:00+00:00'), 1 * HOUR)).toEqual(at('2026-03-29T02:30:00+01:00'));
  });

  it('opens a store whose opening time is skipped when the clocks jump to it', () => {
    const store = storeCalendar({ openingHours: { 7: [{ open: '01:30', close: '03:00' }] } });
    // 01:30 does not exist on 29 March; the clocks jump from 01:00 GMT to 02:00 BST (01:00Z).
    expect(businessTimeBetween(store, at('2026-03-28T12:00:00Z'), at('2026-03-30T00:00:00Z'))).toBe(1 * HOUR);
    expect(addBusinessTime(store, at('2026-03-28T12:00:00Z'), 1)).toEqual(at('2026-03-29T01:00:00.001Z'));
  });

  it('counts a night opening on the fall-back day (25 October 2026) as five hours', () => {
    const store = storeCalendar({ openingHours: { 7: [{ open: '00:00', close: '04:00' }] } });
    // 00:00 BST (23:00Z the day before) to 04:00 GMT.
    expect(businessTimeBetween(store, at('2026-10-24T12:00:00Z'), at('2026-10-26T00:00:00Z'))).toBe(5 * HOUR);
    expect(addBusinessTime(store, at('2026-10-24T12:00:00Z'), 5 * HOUR)).toEqual(at('2026-10-25T04:00:00+00:00'));
  });

  it('reads a repeated wall-clock time as its first occurrence', () => {
    const store = storeCalendar({ openingHours: { 7: [{ open: '01:30', close: '03:00' }] } });
    // 01:30 BST = 00:30Z, to 03:00 GMT = 03:00Z.
    expect(addBusinessTime(store, at('2026-10-24T12:00:00Z'), 1)).toEqual(at('2026-10-25T00:30:00.001Z'));
    expect(businessTimeBetween(store, at('2026-10-24T12:00:00Z'), at('2026-10-26T00:00:00Z'))).toBe(2.5 * HOUR);
  });

  it('carries a deadline over the fall-back weekend from BST into GMT', () => {
    const store = storeCalendar();
    // Friday 23 Oct 16:00 BST: 1 h on Friday, then Monday 26 Oct 09:00 GMT + 1 h.
    expect(addBusinessTime(store, at('2026-10-23T16:00:00+01:00'), 2 * HOUR)).toEqual(at('2026-10-26T10:00:00+00:00'));
  });
});

describe('a store with no daylight saving (Asia/Shanghai, every day 10:00–22:00)', () => {
  const store = storeCalendar({ timeZone: 'Asia/Shanghai', openingHours: everyDay([{ open: '10:00', close: '22:00' }]) });

  it('keeps UTC+8 all year, on the London change days too', () => {
    expect(addBusinessTime(store, at('2026-03-29T21:00:00+08:00'), 2 * HOUR)).toEqual(at('2026-03-30T11:00:00+08:00'));
    expect(businessTimeBetween(store, at('2026-10-25T00:00:00+08:00'), at('2026-10-26T00:00:00+08:00'))).toBe(12 * HOUR);
  });

  it('reads the local date across UTC midnight', () => {
    // 23:00 on 31 Jan in Shanghai is 15:00Z; the next opening is 1 Feb 10:00 local = 02:00Z.
    expect(addBusinessTime(store, at('2026-01-31T15:00:00Z'), 1 * HOUR)).toEqual(at('2026-02-01T03:00:00Z'));
  });
});

describe('openings that run to midnight and split days', () => {
  it('joins an opening to 24:00 with one from 00:00 the next day', () => {
    const store = storeCalendar({ openingHours: { 6: [{ open: '20:00', close: '24:00' }], 7: [{ open: '00:00', close: '02:00' }] } });
    expect(addBusinessTime(store, at('2026-01-17T23:00:00Z'), 2 * HOUR)).toEqual(at('2026-01-18T01:00:00Z'));
  });

  it('skips a lunch break', () => {
    const lunch = [
      { open: '09:00', close: '12:00' },
      { open: '13:00', close: '17:00' },
    ];
    const store = storeCalendar({ openingHours: { 1: lunch } });
    expect(addBusinessTime(store, at('2026-01-19T11:00:00Z'), 2 * HOUR)).toEqual(at('2026-01-19T14:00:00Z'));
    expect(businessTimeBetween(store, at('2026-01-19T00:00:00Z'), at('2026-01-20T00:00:00Z'))).toBe(7 * HOUR);
  });
});

describe('businessCalendarProblems', () => {
  it('accepts a valid calendar and 24×7', () => {
    expect(businessCalendarProblems(storeCalendar({ holidays: ['2026-12-25'] }))).toEqual([]);
    expect(businessCalendarProblems(ALWAYS_OPEN)).toEqual([]);
  });

  it('names each problem', () => {
    const problems = businessCalendarProblems(
      storeCalendar({
        timeZone: 'Europe/Atlantis',
        openingHours: {
          1: [{ open: '9:00', close: '17:00' }],
          2: [{ open: '17:00', close: '09:00' }],
          3: [
            { open: '09:00', close: '13:00' },
            { open: '12:00', close: '17:00' },
          ],
        },
        holidays: ['2026-02-30', '25/12/2026'],
      }),
    );
    expect(problems).toEqual([
      "unknown time zone 'Europe/Atlantis'",
      "weekday 1: '9:00'–'17:00' is not HH:mm–HH:mm",
      'weekday 2: 17:00–09:00 closes before it opens',
      'weekday 3: 12:00–17:00 overlaps or is out of order',
      "holiday '2026-02-30' is not a date YYYY-MM-DD",
      "holiday '25/12/2026' is not a date YYYY-MM-DD",
    ]);
  });

  it('refuses a store that never opens, instead of searching for an opening forever', () => {
    const never = storeCalendar({ openingHours: {} });
    expect(businessCalendarProblems(never)).toEqual(['the store is never open']);
    expect(() => addBusinessTime(never, at('2026-01-19T10:00:00Z'), HOUR)).toThrow(RangeError);
  });

  it('refuses a negative or non-finite duration and an invalid date', () => {
    expect(() => addBusinessTime(ALWAYS_OPEN, at('2026-01-19T10:00:00Z'), -1)).toThrow(RangeError);
    expect(() => addBusinessTime(storeCalendar(), at('2026-01-19T10:00:00Z'), Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => addBusinessTime(ALWAYS_OPEN, new Date(Number.NaN), 1)).toThrow(RangeError);
  });
});
