import betaQuantileOf from '@stdlib/stats-base-dists-beta-quantile';
import { DEFAULT_CREDIBILITY, intervalTails } from './descriptive';
import { assertNoProblems, countProblem, found, positiveProblem, priorMeanProblem } from './number-checks';

/**
 * Retention (or any share) estimated from k successes in n trials, with a figure from the source
 * documents as a weak prior: the prior mean counts as n₀ pseudo-observations, so
 * Beta(α, β) with α = mean·n₀ + k and β = (1 − mean)·n₀ + (n − k). With no data the answer is the
 * figure itself, labelled an assumption; as data come in, their weight n/(n + n₀) grows towards 1.
 */

export interface BetaPosterior {
  /** α / (α + β). */
  readonly mean: number;
  /** Equal-tailed credible interval from the Beta quantiles. */
  readonly interval: readonly [number, number];
  readonly n: number;
  readonly successes: number;
  /** n / (n + n₀): how much of the estimate rests on data rather than the prior. */
  readonly dataWeight: number;
  readonly alpha: number;
  readonly beta: number;
  /** 'assumption' when there is no data and the estimate is the prior alone. */
  readonly basis: 'estimate' | 'assumption';
}

export interface BetaBinomialInput {
  readonly successes: number;
  readonly trials: number;
  readonly priorMean: number;
  /** n₀, the number of observations the prior counts as. */
  readonly priorWeight: number;
  /** Of the interval; 0.9 unless given. */
  readonly credibility?: number;
}

/** The p-quantile of Beta(a, b): the x with P(X ≤ x) = p. */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(Number.isFinite(p) && p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  if (!(Number.isFinite(a) && a > 0 && Number.isFinite(b) && b > 0)) {
    throw new RangeError(`Beta parameters must be finite and > 0, got (${a}, ${b})`);
  }
  return betaQuantileOf(p, a, b);
}

/** The posterior of a share given successes out of trials and a prior mean worth priorWeight observations. */
export function betaBinomialPosterior(input: BetaBinomialInput): BetaPosterior {
  const { successes: k, trials: n, priorMean, priorWeight } = input;
  const problems = found([
    countProblem('trials', n),
    countProblem('successes', k),
    priorMeanProblem('priorMean', priorMean),
    positiveProblem('priorWeight', priorWeight),
  ]);
  if (problems.length === 0 && k > n) problems.push({ path: 'successes', message: `must not exceed trials (${n}), got ${k}` });
  assertNoProblems('invalid Beta–Binomial input', problems);
  const [lowerTail, upperTail] = intervalTails(input.credibility ?? DEFAULT_CREDIBILITY);

  const alpha = priorMean * priorWeight + k;
  const beta = (1 - priorMean) * priorWeight + (n - k);
  return {
    mean: alpha / (alpha + beta),
    interval: [betaQuantile(lowerTail, alpha, beta), betaQuantile(upperTail, alpha, beta)],
    n,
    successes: k,
    dataWeight: n / (n + priorWeight),
    alpha,
    beta,
    basis: n === 0 ? 'assumption' : 'estimate',
  };
}
