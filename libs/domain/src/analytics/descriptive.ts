/**
 * Percentiles of a sample, as used to summarise Monte Carlo draws.
 *
 * The definition is linear interpolation between order statistics (Hyndman & Fan's definition 7, the
 * default of R's `quantile()` and of `numpy.percentile`): for n values sorted x₀ ≤ … ≤ xₙ₋₁, the
 * percentile p (a fraction in [0, 1]) sits at position h = (n − 1)·p and is
 * x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋). So p = 0 gives the minimum, p = 1 the maximum, and the median of an
 * even count is the mean of the two middle values.
 */

/** The credibility of every interval unless a caller asks otherwise: 90%, i.e. 5% left out on each side. */
export const DEFAULT_CREDIBILITY = 0.9;

/**
 * The lower and upper tail probabilities of an equal-tailed interval with this credibility, e.g.
 * [0.05, 0.95] for 0.9.
 */
export function intervalTails(credibility: number): readonly [number, number] {
  if (!(Number.isFinite(credibility) && credibility > 0 && credibility < 1)) {
    throw new RangeError(`credibility must be strictly between 0 and 1, got ${credibility}`);
  }
  return [(1 - credibility) / 2, (1 + credibility) / 2];
}

function assertFraction(p: number): void {
  if (!(Number.isFinite(p) && p >= 0 && p <= 1)) throw new RangeError(`p must be a fraction in [0, 1], got ${p}`);
}

/**
 * The percentile p of values already sorted ascending (see the definition above). For callers that
 * read several percentiles of one large sample and sort it once.
 */
export function percentileOfSorted(sorted: readonly number[], p: number): number | null {
  assertFraction(p);
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const low = sorted[below] ?? Number.NaN;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] ?? Number.NaN;
  return low + (position - below) * (high - low);
}

/** Ascending copy of a sample; a NaN has no place in an order, so it is refused. */
export function sortedSample(values: readonly number[]): number[] {
  if (values.some((value) => Number.isNaN(value))) throw new RangeError('a sample must not contain NaN');
  return [...values].sort((a, b) => a - b);
}

/** The percentile p (a fraction in [0, 1]) of values by linear interpolation; null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  assertFraction(p);
  return percentileOfSorted(sortedSample(values), p);
}

/** The median: the percentile 0.5, so the mean of the two middle values of an even count. */
export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}
