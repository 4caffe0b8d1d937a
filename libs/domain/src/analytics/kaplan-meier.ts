import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { DEFAULT_CREDIBILITY, intervalTails } from './descriptive';

/**
 * Retention curves where churn times are censored: the Kaplan–Meier estimate of S(t), the share of
 * complainants not yet lost t days after their complaint, from customers observed for different lengths
 * of time.
 *
 * - Ties: at one time, losses come before censorings, so a customer censored at t still counts as at
 *   risk at t (the usual convention: censored at t means seen alive at t).
 * - Variance: Greenwood's, Var S(t) = S(t)² · Σ dᵢ / (nᵢ(nᵢ − dᵢ)) over the loss times up to t.
 * - Band: pointwise, computed on the log(−log S) scale and mapped back, S^exp(±z·σ) with
 *   σ = √(Σ dᵢ/(nᵢ(nᵢ − dᵢ))) / |log S|. Unlike a band on S itself it never leaves (0, 1) and is not
 *   symmetric where S is near 0 or 1; the result is clipped to [0, 1] all the same.
 * - Where S reaches 0 (everyone still observed was lost) the log scale has no variance left: the
 *   variance is reported as 0 and the band as [0, 0].
 */

export interface SurvivalObservation {
  readonly timeDays: number;
  /** true: lost at timeDays; false: censored, i.e. still a customer when last observed at timeDays. */
  readonly event: boolean;
}

export interface SurvivalPoint {
  readonly timeDays: number;
  readonly survival: number;
  readonly lower: number;
  readonly upper: number;
  /** Greenwood's estimate of the variance of `survival`. */
  readonly variance: number;
  /** Customers still observed just before this time (including those censored at it). */
  readonly atRisk: number;
  readonly events: number;
  /** Customers censored at exactly this time. */
  readonly censored: number;
}

function assertObservation(observation: SurvivalObservation, index: number): void {
  if (!(Number.isFinite(observation.timeDays) && observation.timeDays >= 0)) {
    throw new RangeError(`observations[${index}].timeDays must be a finite number ≥ 0, got ${observation.timeDays}`);
  }
  if (typeof observation.event !== 'boolean') throw new RangeError(`observations[${index}].event must be a boolean`);
}

function band(survival: number, greenwoodSum: number, z: number): { lower: number; upper: number } {
  if (survival <= 0) return { lower: 0, upper: 0 };
  if (survival >= 1) return { lower: 1, upper: 1 };
  const sigma = Math.sqrt(greenwoodSum) / Math.abs(Math.log(survival));
  const clip = (value: number): number => Math.min(1, Math.max(0, value));
  return { lower: clip(survival ** Math.exp(z * sigma)), upper: clip(survival ** Math.exp(-z * sigma)) };
}

/**
 * The Kaplan–Meier curve: one point per distinct loss time, ascending. Between points, and after the
 * last, S stays at the last point's value; before the first it is 1.
 */
export function kaplanMeier(
  observations: readonly SurvivalObservation[],
  credibility: number = DEFAULT_CREDIBILITY,
): SurvivalPoint[] {
  observations.forEach(assertObservation);
  const z = normalQuantile(intervalTails(credibility)[1], 0, 1);

  const tallies = new Map<number, { events: number; censored: number }>();
  for (const { timeDays, event } of observations) {
    const tally = tallies.get(timeDays) ?? { events: 0, censored: 0 };
    if (event) tally.events += 1;
    else tally.censored += 1;
    tallies.set(timeDays, tally);
  }

  const points: SurvivalPoint[] = [];
  let atRisk = observations.length;
  let survival = 1;
  let greenwoodSum = 0;
  for (const [timeDays, { events, censored }] of [...tallies].sort(([a], [b]) => a - b)) {
    if (events > 0) {
      survival *= 1 - events / atRisk;
      if (survival > 0) greenwoodSum += events / (atRisk * (atRisk - events));
      points.push({
        timeDays,
        survival,
        ...band(survival, greenwoodSum, z),
        variance: survival > 0 ? survival ** 2 * greenwoodSum : 0,
        atRisk,
        events,
        censored,
      });
    }
    atRisk -= events + censored;
  }
  return points;
}

export interface SurvivalReading {
  readonly survival: number;
  readonly lower: number;
  readonly upper: number;
  /** At risk at the step read; before the first loss, at the first loss (0 for an empty curve). */
  readonly atRisk: number;
}

/** S(t) read off a curve as a right-continuous step function: a loss at t already counts at t. */
export function survivalAt(curve: readonly SurvivalPoint[], timeDays: number): SurvivalReading {
  if (Number.isNaN(timeDays)) throw new RangeError('timeDays must be a number');
  let step: SurvivalPoint | undefined;
  for (const point of curve) {
    if (point.timeDays > timeDays) break;
    step = point;
  }
  if (step === undefined) return { survival: 1, lower: 1, upper: 1, atRisk: curve[0]?.atRisk ?? 0 };
  return { survival: step.survival, lower: step.lower, upper: step.upper, atRisk: step.atRisk };
}

export interface RetentionFacts {
  readonly receivedAt: Date;
  /** The customer's purchases; those at or before the complaint, or after `now`, do not count. */
  readonly purchases: readonly Date[];
  /** When the customer was explicitly lost, if ever; a loss after `now` does not count yet. */
  readonly churnedAt: Date | null;
  readonly horizonDays: number;
  readonly now: Date;
}

export interface RetentionObservation {
  /** null: the horizon has not elapsed and nothing has happened yet, so the customer does not count yet. */
  readonly retained: boolean | null;
  readonly observation: SurvivalObservation;
}

const DAY_MS = 86_400_000;

/**
 * The retention definition. The clock starts when the complaint is received, and H = horizonDays (of
 * 24 hours each):
 * - a purchase within H (after the receipt, at most H later) and before any churn → retained; the
 *   customer is followed no further, so the observation is censored at H;
 * - a churn within H before any such purchase → lost at the churn time (a churn recorded before the
 *   complaint counts as lost at once);
 * - neither, with H elapsed (now ≥ receipt + H) → lost at H: no repurchase in time is a loss;
 * - neither, with H not yet elapsed → not counted yet, censored at now − receipt.
 * A purchase at the very moment of the complaint is the one complained about, not a return. Facts dated
 * after `now` are ignored, so replaying events up to any instant gives the answer as of that instant.
 */
export function retentionObservation(facts: RetentionFacts): RetentionObservation {
  const { receivedAt, purchases, churnedAt, horizonDays, now } = facts;
  if (!(Number.isFinite(horizonDays) && horizonDays > 0)) {
    throw new RangeError(`horizonDays must be a finite number > 0, got ${horizonDays}`);
  }
  for (const [name, date] of [['receivedAt', receivedAt], ['now', now]] as const) {
    if (Number.isNaN(date.getTime())) throw new RangeError(`${name} must be a valid date`);
  }
  const start = receivedAt.getTime();
  const horizonEnd = start + horizonDays * DAY_MS;
  const known = now.getTime();

  const churnTime = churnedAt?.getTime() ?? null;
  const churn = churnTime !== null && churnTime <= known && churnTime <= horizonEnd ? Math.max(churnTime, start) : null;
  const firstPurchase = purchases
    .map((purchase) => purchase.getTime())
    .filter((at) => at > start && at <= horizonEnd && at <= known)
    .reduce<number | null>((earliest, at) => (earliest === null || at < earliest ? at : earliest), null);

  if (firstPurchase !== null && (churn === null || firstPurchase < churn)) {
    return { retained: true, observation: { timeDays: horizonDays, event: false } };
  }
  if (churn !== null) return { retained: false, observation: { timeDays: (churn - start) / DAY_MS, event: true } };
  if (known >= horizonEnd) return { retained: false, observation: { timeDays: horizonDays, event: true } };
  return { retained: null, observation: { timeDays: Math.max(0, known - start) / DAY_MS, event: false } };
}
