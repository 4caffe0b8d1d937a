import { fastHandlingDividend, revenueAtStake } from './revenue';

describe('revenueAtStake', () => {
  it('prices lost and at-risk customers at their yearly value', () => {
    expect(revenueAtStake({ lost: 120, atRisk: 300, annualValuePerCustomer: 250 })).toEqual({ lostRevenue: 30_000, atRiskRevenue: 75_000 });
  });

  it('refuses negative counts', () => {
    expect(() => revenueAtStake({ lost: -1, atRisk: 0, annualValuePerCustomer: 10 })).toThrow(RangeError);
  });
});

describe('fastHandlingDividend', () => {
  it('is the revenue kept by handling complaints fast rather than slow', () => {
    // 400 complainants × (0.95 − 0.72) × 250
    expect(fastHandlingDividend({ complainants: 400, fastRetention: 0.95, slowRetention: 0.72, annualValuePerCustomer: 250 }).keptRevenue).toBeCloseTo(23_000, 6);
  });

  it('turns negative when slow handling retains more', () => {
    expect(fastHandlingDividend({ complainants: 10, fastRetention: 0.5, slowRetention: 0.6, annualValuePerCustomer: 100 }).keptRevenue).toBeCloseTo(-100, 9);
  });

  it('refuses a retention that is not a share', () => {
    expect(() => fastHandlingDividend({ complainants: 10, fastRetention: 95, slowRetention: 0.6, annualValuePerCustomer: 100 })).toThrow(
      'fastRetention must be a share in [0, 1], got 95',
    );
  });
});
