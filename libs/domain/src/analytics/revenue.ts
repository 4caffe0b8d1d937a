import { assertNoProblems, found, nonNegativeProblem, shareProblem } from './number-checks';

/**
 * Revenue at stake, from customer counts (typically medians or interval ends of an estimate) and the
 * yearly revenue of one customer.
 */

export interface RevenueAtStake {
  readonly lostRevenue: number;
  readonly atRiskRevenue: number;
}

export interface RevenueAtStakeInput {
  /** Customers lost, and at risk (counts, or estimates of them). */
  readonly lost: number;
  readonly atRisk: number;
  readonly annualValuePerCustomer: number;
}

export function revenueAtStake(input: RevenueAtStakeInput): RevenueAtStake {
  assertNoProblems(
    'invalid revenue input',
    found([
      nonNegativeProblem('lost', input.lost),
      nonNegativeProblem('atRisk', input.atRisk),
      nonNegativeProblem('annualValuePerCustomer', input.annualValuePerCustomer),
    ]),
  );
  return { lostRevenue: input.lost * input.annualValuePerCustomer, atRiskRevenue: input.atRisk * input.annualValuePerCustomer };
}

/**
 * The revenue kept by handling these complaints fast rather than slow:
 * complainants × (fast retention − slow retention) × yearly value per customer. Negative if slow
 * handling retains more, which the data would then be saying.
 */
export function fastHandlingDividend(input: {
  readonly complainants: number;
  readonly fastRetention: number;
  readonly slowRetention: number;
  readonly annualValuePerCustomer: number;
}): { readonly keptRevenue: number } {
  assertNoProblems(
    'invalid fast-handling input',
    found([
      nonNegativeProblem('complainants', input.complainants),
      shareProblem('fastRetention', input.fastRetention),
      shareProblem('slowRetention', input.slowRetention),
      nonNegativeProblem('annualValuePerCustomer', input.annualValuePerCustomer),
    ]),
  );
  return { keptRevenue: input.complainants * (input.fastRetention - input.slowRetention) * input.annualValuePerCustomer };
}
