import { DEFAULT_SCENARIO } from './parameters';
import { whatIf, whatIfProblems, type WhatIfInput } from './what-if';

/** The source documents' figures on a revenue of 1,000,000 with a quarter of it from unhappy customers. */
function sourceScenario(overrides: Partial<WhatIfInput> = {}): WhatIfInput {
  return {
    annualRevenue: 1_000_000,
    negativeExperienceShare: 0.25,
    complaintRate: DEFAULT_SCENARIO.complaintRate,
    complainantOutcomes: DEFAULT_SCENARIO.complainantOutcomes,
    silentOutcomes: DEFAULT_SCENARIO.silentOutcomes,
    tellsIfSatisfied: DEFAULT_SCENARIO.wordOfMouth.tellsIfSatisfied,
    tellsIfDissatisfied: DEFAULT_SCENARIO.wordOfMouth.tellsIfDissatisfied,
    ...overrides,
  };
}

describe('whatIf', () => {
  it('reproduces the source reasoning figure by figure', () => {
    const result = whatIf(sourceScenario());
    // 1,000,000 × 0.25 from unhappy customers; 2% of that from complainants, 98% from silent ones.
    expect(result.dissatisfiedRevenue).toBeCloseTo(250_000, 6);
    expect(result.complainants.revenue).toBeCloseTo(5_000, 6);
    expect(result.silent.revenue).toBeCloseTo(245_000, 6);
    // Complainants: 38% retained, 34% at risk, 28% lost.
    expect(result.complainants.retainedRevenue).toBeCloseTo(1_900, 6);
    expect(result.complainants.atRiskRevenue).toBeCloseTo(1_700, 6);
    expect(result.complainants.lostRevenue).toBeCloseTo(1_400, 6);
    // Silent: 55% at risk, 45% lost.
    expect(result.silent.atRiskRevenue).toBeCloseTo(134_750, 6);
    expect(result.silent.lostRevenue).toBeCloseTo(110_250, 6);
    expect(result.totalLostRevenue).toBeCloseTo(111_650, 6);
    expect(result.totalAtRiskRevenue).toBeCloseTo(136_450, 6);
    expect(result.lostShareOfRevenue).toBeCloseTo(0.11165, 12);
  });

  it('breaks even on word of mouth when 11 in 14 customers are satisfied', () => {
    const { wordOfMouth } = whatIf(sourceScenario());
    expect(wordOfMouth.breakEvenSatisfaction).toBeCloseTo(11 / 14, 12);
    // Per customer: 0.25 × 11 = 2.75 people hear bad news, 0.75 × 3 = 2.25 hear good news.
    expect(wordOfMouth.peopleToldNegativePerCustomer).toBeCloseTo(2.75, 12);
    expect(wordOfMouth.peopleToldPositivePerCustomer).toBeCloseTo(2.25, 12);
    expect(wordOfMouth.negativeShareOfWordOfMouth).toBeCloseTo(0.55, 12);
  });

  it('reports a lost share of 0, not NaN, on no revenue', () => {
    const result = whatIf(sourceScenario({ annualRevenue: 0 }));
    expect(result.totalLostRevenue).toBe(0);
    expect(result.lostShareOfRevenue).toBe(0);
  });

  it('follows the other complaint rate the source documents give', () => {
    expect(whatIf(sourceScenario({ complaintRate: 0.04 })).complainants.revenue).toBeCloseTo(10_000, 6);
  });

  it('refuses input with problems, naming them', () => {
    expect(() => whatIf(sourceScenario({ complaintRate: 2 }))).toThrow('complaintRate must be a share in [0, 1], got 2');
  });
});

describe('whatIfProblems', () => {
  it('finds none in the source figures', () => {
    expect(whatIfProblems(sourceScenario())).toEqual([]);
  });

  it.each<[string, Partial<WhatIfInput>, string]>([
    ['negative revenue', { annualRevenue: -1 }, 'annualRevenue'],
    ['infinite revenue', { annualRevenue: Number.POSITIVE_INFINITY }, 'annualRevenue'],
    ['a share above 1', { negativeExperienceShare: 1.5 }, 'negativeExperienceShare'],
    ['a negative rate', { complaintRate: -0.02 }, 'complaintRate'],
    ['a split part off the scale', { complainantOutcomes: { retained: 1.38, atRisk: -0.1, lost: 0.28 } }, 'complainantOutcomes.retained'],
    ['a split that does not add up', { complainantOutcomes: { retained: 0.4, atRisk: 0.34, lost: 0.28 } }, 'complainantOutcomes'],
    ['a silent split that does not add up', { silentOutcomes: { atRisk: 0.5, lost: 0.45 } }, 'silentOutcomes'],
    ['negative tellers', { tellsIfSatisfied: -3 }, 'tellsIfSatisfied'],
    ['nobody telling anyone', { tellsIfSatisfied: 0, tellsIfDissatisfied: 0 }, 'tellsIfDissatisfied'],
  ])('flags %s', (_case, overrides, path) => {
    expect(whatIfProblems(sourceScenario(overrides)).map((problem) => problem.path)).toContain(path);
  });

  it('accepts a split off by less than the rounding tolerance', () => {
    expect(whatIfProblems(sourceScenario({ silentOutcomes: { atRisk: 0.55 + 1e-12, lost: 0.45 } }))).toEqual([]);
  });

  it('reports each problem once, and all of them', () => {
    const problems = whatIfProblems(sourceScenario({ annualRevenue: -1, complainantOutcomes: { retained: 2, atRisk: 0.34, lost: 0.28 } }));
    expect(problems).toEqual([
      { path: 'annualRevenue', message: 'must be a finite number ≥ 0, got -1' },
      { path: 'complainantOutcomes.retained', message: 'must be a share in [0, 1], got 2' },
    ]);
  });
});
