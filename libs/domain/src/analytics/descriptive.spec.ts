import { intervalTails, median, percentile, percentileOfSorted } from './descriptive';

describe('percentile', () => {
  it('interpolates linearly between order statistics at position (n − 1)·p', () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 0)).toBe(15);
    expect(percentile(values, 1)).toBe(50);
    expect(percentile(values, 0.4)).toBe(29); // position 1.6: 20 + 0.6·15
    expect(percentile(values, 0.75)).toBe(40);
  });

  it('does not depend on the order of the values, nor change them', () => {
    const values = [50, 15, 40, 20, 35];
    expect(percentile(values, 0.4)).toBe(29);
    expect(values).toEqual([50, 15, 40, 20, 35]);
  });

  it('is null for no values, and the value itself for one', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.9)).toBe(7);
  });

  it.each([-0.01, 1.01, 90, Number.NaN])('refuses p = %s (a fraction, not a percent)', (p) => {
    expect(() => percentile([1, 2], p)).toThrow(RangeError);
  });

  it('refuses a sample with NaN in it', () => {
    expect(() => percentile([1, Number.NaN], 0.5)).toThrow(RangeError);
  });

  it('reads an already sorted sample the same way', () => {
    expect(percentileOfSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
  });
});

describe('median', () => {
  it('is the middle value of an odd count and the mean of the middle two of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('intervalTails', () => {
  it('leaves out the same probability on each side', () => {
    const [lower, upper] = intervalTails(0.9);
    expect(lower).toBeCloseTo(0.05, 12);
    expect(upper).toBeCloseTo(0.95, 12);
  });

  it.each([0, 1, 1.5])('refuses a credibility of %s', (credibility) => {
    expect(() => intervalTails(credibility)).toThrow(RangeError);
  });
});
