import { chapmanEstimate } from './capture-recapture';

describe('chapmanEstimate', () => {
  it('estimates 189.09 dissatisfied customers from 50 complainants, 40 dissatisfied respondents and 10 in both', () => {
    const { estimate, variance } = chapmanEstimate(50, 40, 10);
    // (51 · 41) / 11 − 1 = 2091/11 − 1
    expect(estimate).toBeCloseTo(2091 / 11 - 1, 12);
    // 51 · 41 · 40 · 30 / (11² · 12) = 2,509,200 / 1,452
    expect(variance).toBeCloseTo(2_509_200 / 1_452, 9);
  });

  it('stays finite when no respondent complained', () => {
    expect(chapmanEstimate(5, 3, 0)).toEqual({ estimate: 23, variance: 180 });
  });

  it('has no variance when everyone was caught twice', () => {
    expect(chapmanEstimate(8, 8, 8)).toEqual({ estimate: 8, variance: 0 });
  });

  it.each([
    [10, 5, 6],
    [4, 9, 5],
    [-1, 5, 0],
    [10, 5.5, 1],
  ])('refuses complainants=%s, respondents=%s, both=%s', (C, d, c) => {
    expect(() => chapmanEstimate(C, d, c)).toThrow(RangeError);
  });
});
