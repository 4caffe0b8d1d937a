import { betaBinomialPosterior, betaQuantile, type BetaBinomialInput } from './beta-binomial';

function input(overrides: Partial<BetaBinomialInput> = {}): BetaBinomialInput {
  return { successes: 7, trials: 10, priorMean: 0.5, priorWeight: 10, ...overrides };
}

/**
 * The regularised incomplete beta function for whole a and b, written independently of the library:
 * I_x(a, b) = P(Binomial(a + b − 1, x) ≥ a).
 */
function betaCdfWhole(x: number, a: number, b: number): number {
  const n = a + b - 1;
  let total = 0;
  let choose = 1;
  for (let j = 0; j <= n; j += 1) {
    if (j >= a) total += choose * x ** j * (1 - x) ** (n - j);
    choose = (choose * (n - j)) / (j + 1);
  }
  return total;
}

describe('betaQuantile', () => {
  it('gives the published median of Beta(2, 3), where the CDF 6x² − 8x³ + 3x⁴ is one half', () => {
    const median = betaQuantile(0.5, 2, 3);
    expect(median).toBeCloseTo(0.3857275681323895, 12);
    expect(6 * median ** 2 - 8 * median ** 3 + 3 * median ** 4).toBeCloseTo(0.5, 12);
  });

  it('inverts closed forms: Beta(1, 1) is uniform and Beta(a, 1) has quantile p^(1/a)', () => {
    expect(betaQuantile(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(betaQuantile(0.9, 4, 1)).toBeCloseTo(0.9 ** (1 / 4), 12);
    expect(betaQuantile(0, 2, 3)).toBe(0);
    expect(betaQuantile(1, 2, 3)).toBe(1);
  });

  it.each([
    [1.1, 2, 3],
    [-0.1, 2, 3],
    [0.5, 0, 3],
    [0.5, 2, Number.POSITIVE_INFINITY],
    [Number.NaN, 2, 3],
  ])('refuses p=%s, a=%s, b=%s', (p, a, b) => {
    expect(() => betaQuantile(p, a, b)).toThrow(RangeError);
  });
});

describe('betaBinomialPosterior', () => {
  it('adds 7 of 10 to a prior of 0.5 worth 10 observations: Beta(12, 8), mean 0.6, half the weight on data', () => {
    const posterior = betaBinomialPosterior(input());
    expect(posterior).toMatchObject({ alpha: 12, beta: 8, n: 10, successes: 7, dataWeight: 0.5, basis: 'estimate' });
    expect(posterior.mean).toBeCloseTo(0.6, 12);
    // Reference quantiles of Beta(12, 8), computed once with SciPy's beta.ppf.
    expect(posterior.interval[0]).toBeCloseTo(0.4180644748141918, 6);
    expect(posterior.interval[1]).toBeCloseTo(0.7702790806738374, 6);
    expect(betaCdfWhole(posterior.interval[0], 12, 8)).toBeCloseTo(0.05, 9);
    expect(betaCdfWhole(posterior.interval[1], 12, 8)).toBeCloseTo(0.95, 9);
  });

  it('is the prior alone, labelled an assumption, when there is no data', () => {
    const posterior = betaBinomialPosterior(input({ successes: 0, trials: 0, priorMean: 0.72 }));
    expect(posterior).toMatchObject({ n: 0, dataWeight: 0, basis: 'assumption' });
    expect(posterior.alpha).toBeCloseTo(7.2, 12);
    expect(posterior.beta).toBeCloseTo(2.8, 12);
    expect(posterior.mean).toBeCloseTo(0.72, 12);
  });

  it('narrows and follows the data as they outweigh the prior', () => {
    const few = betaBinomialPosterior(input({ successes: 2, trials: 10, priorMean: 0.95 }));
    const many = betaBinomialPosterior(input({ successes: 200, trials: 1000, priorMean: 0.95 }));
    expect(many.dataWeight).toBeCloseTo(1000 / 1010, 12);
    expect(Math.abs(many.mean - 0.2)).toBeLessThan(Math.abs(few.mean - 0.2));
    expect(many.interval[1] - many.interval[0]).toBeLessThan(few.interval[1] - few.interval[0]);
  });

  it('widens the interval with the credibility asked for', () => {
    const ninety = betaBinomialPosterior(input());
    const ninetyNine = betaBinomialPosterior(input({ credibility: 0.99 }));
    expect(ninetyNine.interval[0]).toBeLessThan(ninety.interval[0]);
    expect(ninetyNine.interval[1]).toBeGreaterThan(ninety.interval[1]);
  });

  it.each<[string, Partial<BetaBinomialInput>]>([
    ['more successes than trials', { successes: 11 }],
    ['a fractional count', { trials: 10.5 }],
    ['a negative count', { successes: -1 }],
    ['a prior mean of 0', { priorMean: 0 }],
    ['a prior mean of 1', { priorMean: 1 }],
    ['a prior weight of 0', { priorWeight: 0 }],
    ['a credibility of 1', { credibility: 1 }],
  ])('refuses %s', (_case, overrides) => {
    expect(() => betaBinomialPosterior(input(overrides))).toThrow(RangeError);
  });
});
