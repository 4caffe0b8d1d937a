import { betaQuantile } from './beta-binomial';
import { DEFAULT_SILENT_CHURN_DRAWS, DEFAULT_SILENT_CHURN_SEED, estimateSilentChurn, type SilentChurnInput } from './silent-churn';

/** A survey of 1,000 customers: 250 dissatisfied, 5 of whom complained; 100,000 active customers. */
function survey(overrides: Partial<SilentChurnInput> = {}): SilentChurnInput {
  return {
    respondents: 1000,
    dissatisfied: 250,
    dissatisfiedWithComplaint: 5,
    activeCustomers: 100_000,
    silentRetention: { retained: 0, observed: 0 },
    priorSilentRetention: 0.55,
    priorWeight: 10,
    ...overrides,
  };
}

function expectNear(actual: number, expected: number, relativeTolerance: number): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(relativeTolerance);
}

describe('estimateSilentChurn', () => {
  it('gives the same answer for the same input and seed, and another for another seed', () => {
    const once = estimateSilentChurn(survey({ draws: 2000, seed: 7 }));
    expect(estimateSilentChurn(survey({ draws: 2000, seed: 7 }))).toEqual(once);
    expect(estimateSilentChurn(survey({ draws: 2000, seed: 8 })).silentLost).not.toEqual(once.silentLost);
  });

  it('reports the draws and the seed it used, the defaults when none are given', () => {
    const estimate = estimateSilentChurn(survey());
    expect(estimate).toMatchObject({ draws: DEFAULT_SILENT_CHURN_DRAWS, seed: DEFAULT_SILENT_CHURN_SEED });
    expect(estimateSilentChurn(survey({ seed: DEFAULT_SILENT_CHURN_SEED }))).toEqual(estimate);
  });

  describe('with 20,000 draws, lands near the analytic answers', () => {
    const estimate = estimateSilentChurn(survey());

    it('for the dissatisfied share, Beta(251, 751)', () => {
      expectNear(estimate.dissatisfiedShare.median, betaQuantile(0.5, 251, 751), 0.01);
      expectNear(estimate.dissatisfiedShare.interval[0], betaQuantile(0.05, 251, 751), 0.01);
      expectNear(estimate.dissatisfiedShare.interval[1], betaQuantile(0.95, 251, 751), 0.01);
    });

    it('for the share who complain, Beta(6, 246)', () => {
      expectNear(estimate.complainShare.median, betaQuantile(0.5, 6, 246), 0.02);
      expectNear(estimate.complainShare.interval[0], betaQuantile(0.05, 6, 246), 0.03);
      expectNear(estimate.complainShare.interval[1], betaQuantile(0.95, 6, 246), 0.03);
    });

    it('for silent retention with no follow-up data, the prior Beta(5.5, 4.5)', () => {
      expectNear(estimate.silentRetention.median, betaQuantile(0.5, 5.5, 4.5), 0.01);
      expectNear(estimate.silentRetention.interval[0], betaQuantile(0.05, 5.5, 4.5), 0.03);
      expectNear(estimate.silentRetention.interval[1], betaQuantile(0.95, 5.5, 4.5), 0.03);
    });

    it('for the silent dissatisfied, N·share·(1 − q) at the means: 100,000 · 251/1002 · 246/252', () => {
      expectNear(estimate.silentDissatisfied.median, 100_000 * (251 / 1002) * (246 / 252), 0.01);
      const [lower, upper] = estimate.silentDissatisfied.interval;
      expect(lower).toBeLessThan(estimate.silentDissatisfied.median);
      expect(upper).toBeGreaterThan(estimate.silentDissatisfied.median);
    });

    it('for the silent lost, once follow-up data pin silent retention down near 45%', () => {
      const followedUp = estimateSilentChurn(survey({ silentRetention: { retained: 450, observed: 1000 } }));
      const retentionMean = (0.55 * 10 + 450) / 1010;
      expectNear(followedUp.silentRetention.median, retentionMean, 0.01);
      expectNear(followedUp.silentLost.median, 100_000 * (251 / 1002) * (246 / 252) * (1 - retentionMean), 0.015);
    });
  });

  it('finds nobody silent among no customers', () => {
    const estimate = estimateSilentChurn(survey({ activeCustomers: 0, draws: 100 }));
    expect(estimate.silentDissatisfied).toEqual({ median: 0, interval: [0, 0] });
    expect(estimate.silentLost).toEqual({ median: 0, interval: [0, 0] });
  });

  it('widens its intervals with the credibility asked for', () => {
    const ninety = estimateSilentChurn(survey({ draws: 2000 }));
    const ninetyNine = estimateSilentChurn(survey({ draws: 2000, credibility: 0.99 }));
    expect(ninetyNine.silentLost.interval[0]).toBeLessThan(ninety.silentLost.interval[0]);
    expect(ninetyNine.silentLost.interval[1]).toBeGreaterThan(ninety.silentLost.interval[1]);
    expect(ninetyNine.silentLost.median).toBe(ninety.silentLost.median);
  });

  it.each<[string, Partial<SilentChurnInput>, string]>([
    ['more dissatisfied than respondents', { dissatisfied: 1001 }, 'dissatisfied must not exceed respondents'],
    ['more complainants than dissatisfied', { dissatisfiedWithComplaint: 251 }, 'dissatisfiedWithComplaint must not exceed dissatisfied'],
    ['more retained than observed', { silentRetention: { retained: 3, observed: 2 } }, 'silentRetention.retained must not exceed observed'],
    ['a fractional count', { respondents: 999.5 }, 'respondents must be a whole number'],
    ['negative customers', { activeCustomers: -1 }, 'activeCustomers must be a finite number ≥ 0'],
    ['a prior of 1', { priorSilentRetention: 1 }, 'priorSilentRetention must be a share strictly between 0 and 1'],
    ['no draws', { draws: 0 }, 'draws must be a whole number'],
    ['a seed of 0', { seed: 0 }, 'seed must be a whole number in [1, 4294967295]'],
    ['a seed past 32 bits', { seed: 2 ** 32 }, 'seed must be a whole number'],
  ])('refuses %s', (_case, overrides, message) => {
    expect(() => estimateSilentChurn(survey(overrides))).toThrow(`invalid silent-churn input: ${message}`);
  });
});
