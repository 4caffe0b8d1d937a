import { isFiniteNumber, shown } from './number-checks';

/**
 * Satisfaction = experience − expectation, per dimension, weighted by how much the dimension matters.
 * The most negative weighted gap is the key experience: the one to fix first.
 *
 * Each dimension's gap is mean experience − mean expectation over its scores, and its weighted gap is
 * mean importance × gap: the product of the averages, not the average of each answer's product. So the
 * figures shown multiply out as read (importance 8 × gap −2 = −16), and a few answers that are both very
 * important and very bad cannot outweigh what most customers said about the dimension.
 */

export const EXPERIENCE_DIMENSIONS = ['product', 'service', 'relationship', 'price', 'convenience', 'brand_image'] as const;
export type ExperienceDimension = (typeof EXPERIENCE_DIMENSIONS)[number];

export interface DimensionScore {
  readonly dimension: ExperienceDimension;
  readonly experience: number;
  readonly expectation: number;
  /** ≥ 0; the same scale for every dimension. */
  readonly importance: number;
}

export interface ExperienceGap {
  readonly dimension: ExperienceDimension;
  /** Means over the dimension's scores. */
  readonly experience: number;
  readonly expectation: number;
  readonly importance: number;
  readonly gap: number;
  readonly weightedGap: number;
  /** How many scores the means rest on. */
  readonly n: number;
}

export interface ExperienceGaps {
  /** One per dimension with scores, the most negative weighted gap first (ties in EXPERIENCE_DIMENSIONS order). */
  readonly gaps: ExperienceGap[];
  /** The dimension to fix first; null when no weighted gap is negative. */
  readonly keyExperience: ExperienceDimension | null;
}

function assertScore(score: DimensionScore, index: number): void {
  if (!(EXPERIENCE_DIMENSIONS as readonly string[]).includes(score.dimension)) {
    throw new RangeError(`scores[${index}].dimension is not an experience dimension: ${shown(score.dimension)}`);
  }
  for (const field of ['experience', 'expectation', 'importance'] as const) {
    if (!isFiniteNumber(score[field])) {
      throw new RangeError(`scores[${index}].${field} must be a finite number, got ${shown(score[field])}`);
    }
  }
  if (score.importance < 0) throw new RangeError(`scores[${index}].importance must be ≥ 0, got ${score.importance}`);
}

export function experienceGaps(scores: readonly DimensionScore[]): ExperienceGaps {
  scores.forEach(assertScore);
  const gaps = EXPERIENCE_DIMENSIONS.flatMap((dimension): ExperienceGap[] => {
    const own = scores.filter((score) => score.dimension === dimension);
    if (own.length === 0) return [];
    const mean = (field: 'experience' | 'expectation' | 'importance'): number =>
      own.reduce((sum, score) => sum + score[field], 0) / own.length;
    const experience = mean('experience');
    const expectation = mean('expectation');
    const importance = mean('importance');
    const gap = experience - expectation;
    return [{ dimension, experience, expectation, importance, gap, weightedGap: importance * gap, n: own.length }];
  });
  // Array.prototype.sort is stable, so equal weighted gaps keep the dimensions' order.
  gaps.sort((a, b) => a.weightedGap - b.weightedGap);
  const first = gaps[0];
  return { gaps, keyExperience: first !== undefined && first.weightedGap < 0 ? first.dimension : null };
}
