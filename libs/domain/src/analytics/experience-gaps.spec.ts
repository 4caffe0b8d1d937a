import { experienceGaps, type DimensionScore, type ExperienceDimension } from './experience-gaps';

function score(dimension: ExperienceDimension, experience: number, expectation: number, importance: number): DimensionScore {
  return { dimension, experience, expectation, importance };
}

describe('experienceGaps', () => {
  it('averages each dimension, weights the gap by mean importance and ranks the most negative first', () => {
    const { gaps, keyExperience } = experienceGaps([
      score('service', 4, 8, 9),
      score('service', 6, 8, 7), // service: experience 5, expectation 8, gap −3, importance 8 → −24
      score('price', 5, 7, 10), // price: gap −2, importance 10 → −20
      score('product', 9, 7, 6), // product: gap +2, importance 6 → +12
      score('convenience', 3, 8, 1), // convenience: gap −5, importance 1 → −5
    ]);
    expect(gaps.map(({ dimension, gap, weightedGap, n }) => ({ dimension, gap, weightedGap, n }))).toEqual([
      { dimension: 'service', gap: -3, weightedGap: -24, n: 2 },
      { dimension: 'price', gap: -2, weightedGap: -20, n: 1 },
      { dimension: 'convenience', gap: -5, weightedGap: -5, n: 1 },
      { dimension: 'product', gap: 2, weightedGap: 12, n: 1 },
    ]);
    expect(gaps[0]).toMatchObject({ experience: 5, expectation: 8, importance: 8 });
    expect(keyExperience).toBe('service');
  });

  it('lets importance outrank a larger raw gap', () => {
    const { keyExperience } = experienceGaps([score('brand_image', 2, 9, 1), score('relationship', 6, 8, 9)]);
    expect(keyExperience).toBe('relationship');
  });

  it('keeps the dimensions’ order between equal weighted gaps', () => {
    const { gaps } = experienceGaps([score('price', 5, 6, 2), score('product', 4, 5, 2)]);
    expect(gaps.map((gap) => gap.dimension)).toEqual(['product', 'price']);
  });

  it('has no key experience when nothing falls short, or without scores', () => {
    expect(experienceGaps([score('product', 8, 8, 5), score('service', 9, 7, 5)]).keyExperience).toBeNull();
    expect(experienceGaps([])).toEqual({ gaps: [], keyExperience: null });
  });

  it('refuses an unknown dimension or a negative importance', () => {
    expect(() => experienceGaps([{ dimension: 'weather' as ExperienceDimension, experience: 1, expectation: 1, importance: 1 }])).toThrow(RangeError);
    expect(() => experienceGaps([score('price', 1, 1, -1)])).toThrow(RangeError);
    expect(() => experienceGaps([score('price', Number.NaN, 1, 1)])).toThrow(RangeError);
  });
});
