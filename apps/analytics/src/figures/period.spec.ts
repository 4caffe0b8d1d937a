import { groupBy, periodWindow, segmentValue } from './period';

describe('periodWindow', () => {
  it.each([
    ['day', '2026-11-23', '2026-11-23T00:00:00.000Z', '2026-11-24T00:00:00.000Z'],
    // 2026-11-26 is a Thursday: its ISO week runs from Monday the 23rd.
    ['week', '2026-11-26', '2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
    ['month', '2026-02-14', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
    ['month', '2026-12-31', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
  ] as const)('a %s around %s runs from %s to %s', (kind, date, from, to) => {
    const window = periodWindow(kind, date);
    expect(window.from.toISOString()).toBe(from);
    expect(window.to.toISOString()).toBe(to);
  });

  it('refuses what is not a date', () => {
    expect(() => periodWindow('day', '2026-13-40')).toThrow(RangeError);
  });
});

describe('segments', () => {
  const facts = { store_id: null, channel: 'email', category: 'service', severity: 'high' };

  it('labels a complaint by its segment, with no store as (none)', () => {
    expect(segmentValue('store', facts)).toBe('(none)');
    expect(segmentValue('channel', facts)).toBe('email');
    expect(segmentValue('all', facts)).toBe('all');
  });

  it('groups in a stable order', () => {
    expect(groupBy(['b1', 'a1', 'b2'], (item) => item[0] as string)).toEqual([
      ['a', ['a1']],
      ['b', ['b1', 'b2']],
    ]);
  });
});
