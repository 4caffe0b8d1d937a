import { assertNoProblems, countProblem, found } from './number-checks';

/**
 * How many dissatisfied customers there are, from two independent "captures" of them: the complaint
 * log (C complainants) and a random satisfaction survey (d dissatisfied respondents), c of whom are
 * also in the complaint log. Chapman's form of the Lincoln–Petersen estimator, which stays finite when
 * c = 0 and is nearly unbiased:
 *
 *   N̂ = (C + 1)(d + 1) / (c + 1) − 1,   Var(N̂) = (C + 1)(d + 1)(C − c)(d − c) / ((c + 1)²(c + 2)).
 *
 * It assumes being surveyed has nothing to do with having complained, and counts C and d over the same
 * customers and period. Then C / N̂ cross-checks the complaint rate read from the survey directly.
 */
export interface ChapmanEstimate {
  readonly estimate: number;
  readonly variance: number;
}

export function chapmanEstimate(
  complainants: number,
  dissatisfiedRespondents: number,
  dissatisfiedComplainants: number,
): ChapmanEstimate {
  const C = complainants;
  const d = dissatisfiedRespondents;
  const c = dissatisfiedComplainants;
  const problems = found([
    countProblem('complainants', C),
    countProblem('dissatisfiedRespondents', d),
    countProblem('dissatisfiedComplainants', c),
  ]);
  if (problems.length === 0 && c > Math.min(C, d)) {
    const most = Math.min(C, d);
    problems.push({ path: 'dissatisfiedComplainants', message: `must not exceed complainants or dissatisfied respondents (${most}), got ${c}` });
  }
  assertNoProblems('invalid capture–recapture counts', problems);
  return {
    estimate: ((C + 1) * (d + 1)) / (c + 1) - 1,
    variance: ((C + 1) * (d + 1) * (C - c) * (d - c)) / ((c + 1) ** 2 * (c + 2)),
  };
}
