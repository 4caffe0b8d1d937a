import { OUTCOME_PARTS, SILENT_OUTCOME_PARTS, type OutcomeSplit, type SilentOutcomeSplit } from './parameters';
import { assertNoProblems, found, nonNegativeProblem, shareProblem, splitProblems, type FieldProblem } from './number-checks';

/**
 * Scenario mode: the source documents' reasoning about revenue and word of mouth, reproduced exactly
 * from the figures given, with no data and no uncertainty. With annual revenue R, a share e of it from
 * customers with a negative experience, and a share r of those who complain:
 * - dissatisfied revenue = R·e;
 * - complainants' revenue = R·e·r, split by the complainant outcomes into retained, at risk and lost;
 * - silent revenue = R·e·(1 − r), split by the silent outcomes into at risk and lost;
 * - total lost (at risk) = complainants' lost (at risk) + silent lost (at risk);
 * - lost share of revenue = total lost / R (0 when R = 0).
 * Revenue is treated as spread evenly over customers, as the source reasoning does.
 */

export interface WhatIfInput {
  readonly annualRevenue: number;
  /** The share of revenue from customers who had a negative experience (e). */
  readonly negativeExperienceShare: number;
  /** The share of those customers who complain (r). */
  readonly complaintRate: number;
  readonly complainantOutcomes: OutcomeSplit;
  readonly silentOutcomes: SilentOutcomeSplit;
  readonly tellsIfSatisfied: number;
  readonly tellsIfDissatisfied: number;
}

export interface WhatIfResult {
  readonly dissatisfiedRevenue: number;
  readonly complainants: {
    readonly revenue: number;
    readonly lostRevenue: number;
    readonly atRiskRevenue: number;
    readonly retainedRevenue: number;
  };
  readonly silent: {
    readonly revenue: number;
    readonly lostRevenue: number;
    readonly atRiskRevenue: number;
  };
  readonly totalLostRevenue: number;
  readonly totalAtRiskRevenue: number;
  readonly lostShareOfRevenue: number;
  readonly wordOfMouth: {
    /**
     * The satisfied share p at which satisfied and dissatisfied customers reach as many people:
     * p·t_s = (1 − p)·t_d, so p = t_d / (t_s + t_d). Below it, more people hear bad news than good.
     */
    readonly breakEvenSatisfaction: number;
    /** People who hear a negative story, per customer served: e·t_d. */
    readonly peopleToldNegativePerCustomer: number;
    /** People who hear a positive story, per customer served: (1 − e)·t_s. */
    readonly peopleToldPositivePerCustomer: number;
    /** The negative share of all that is told: e·t_d / (e·t_d + (1 − e)·t_s), 0 when nobody tells anything. */
    readonly negativeShareOfWordOfMouth: number;
  };
}

/** What is wrong with a what-if input, by field; empty when it can be computed. */
export function whatIfProblems(input: WhatIfInput): FieldProblem[] {
  const problems = found([
    nonNegativeProblem('annualRevenue', input.annualRevenue),
    shareProblem('negativeExperienceShare', input.negativeExperienceShare),
    shareProblem('complaintRate', input.complaintRate),
    ...splitProblems('complainantOutcomes', input.complainantOutcomes, OUTCOME_PARTS),
    ...splitProblems('silentOutcomes', input.silentOutcomes, SILENT_OUTCOME_PARTS),
    nonNegativeProblem('tellsIfSatisfied', input.tellsIfSatisfied),
    nonNegativeProblem('tellsIfDissatisfied', input.tellsIfDissatisfied),
  ]);
  if (input.tellsIfSatisfied === 0 && input.tellsIfDissatisfied === 0) {
    const message = 'and tellsIfSatisfied must not both be 0: there would be no break-even';
    problems.push({ path: 'tellsIfDissatisfied', message });
  }
  return problems;
}

export function whatIf(input: WhatIfInput): WhatIfResult {
  assertNoProblems('invalid what-if input', whatIfProblems(input));
  const { annualRevenue: R, negativeExperienceShare: e, complaintRate: r, complainantOutcomes, silentOutcomes } = input;
  const { tellsIfSatisfied: ts, tellsIfDissatisfied: td } = input;

  const dissatisfiedRevenue = R * e;
  const complainantRevenue = dissatisfiedRevenue * r;
  const silentRevenue = dissatisfiedRevenue * (1 - r);
  const complainants = {
    revenue: complainantRevenue,
    lostRevenue: complainantRevenue * complainantOutcomes.lost,
    atRiskRevenue: complainantRevenue * complainantOutcomes.atRisk,
    retainedRevenue: complainantRevenue * complainantOutcomes.retained,
  };
  const silent = {
    revenue: silentRevenue,
    lostRevenue: silentRevenue * silentOutcomes.lost,
    atRiskRevenue: silentRevenue * silentOutcomes.atRisk,
  };
  const totalLostRevenue = complainants.lostRevenue + silent.lostRevenue;
  const negative = e * td;
  const positive = (1 - e) * ts;

  return {
    dissatisfiedRevenue,
    complainants,
    silent,
    totalLostRevenue,
    totalAtRiskRevenue: complainants.atRiskRevenue + silent.atRiskRevenue,
    lostShareOfRevenue: R === 0 ? 0 : totalLostRevenue / R,
    wordOfMouth: {
      breakEvenSatisfaction: td / (ts + td),
      peopleToldNegativePerCustomer: negative,
      peopleToldPositivePerCustomer: positive,
      negativeShareOfWordOfMouth: negative + positive === 0 ? 0 : negative / (negative + positive),
    },
  };
}
