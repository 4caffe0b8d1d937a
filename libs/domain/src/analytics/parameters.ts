import { HANDLING_CLASSES, type HandlingClass } from './handling-class';
import {
  found,
  nonNegativeProblem,
  positiveProblem,
  priorMeanProblem,
  shareProblem,
  shown,
  splitProblems,
  type FieldProblem,
} from './number-checks';

/**
 * The figures the product's reasoning rests on, as named parameters that configuration can change.
 *
 * The defaults are the source documents' figures. Research behind such figures shows they vary widely
 * by industry, problem size and what counts as complaining, and that stated intentions overstate real
 * repurchase. So scenario mode (what-if.ts) uses them as given, while estimate mode uses them only as
 * weak priors worth `priorWeight` customers' outcomes, which real outcomes soon outweigh.
 */

export interface OutcomeSplit {
  readonly retained: number;
  readonly atRisk: number;
  readonly lost: number;
}

export interface SilentOutcomeSplit {
  readonly atRisk: number;
  readonly lost: number;
}

export interface WordOfMouth {
  readonly tellsIfSatisfied: number;
  readonly tellsIfDissatisfied: number;
  readonly tellsIfResolvedWell: number;
}

export interface ScenarioParameters {
  /** The share of dissatisfied customers who complain. */
  readonly complaintRate: number;
  /** What becomes of complainants. */
  readonly complainantOutcomes: OutcomeSplit;
  /** What becomes of dissatisfied customers who do not complain. */
  readonly silentOutcomes: SilentOutcomeSplit;
  /** Repurchase after a complaint handled quickly and well. */
  readonly resolvedFastRetention: number;
  /** How many people a customer tells about the experience. */
  readonly wordOfMouth: WordOfMouth;
  /** Prior mean retention per handling class (estimate mode); defaults derived from the figures above. */
  readonly classRetention: Readonly<Record<HandlingClass, number>>;
  /** Prior mean retention of silent dissatisfied customers. */
  readonly silentRetention: number;
  /** How many customers' outcomes a prior counts as (n₀). */
  readonly priorWeight: number;
  /** The retention horizon H: a complainant who buys again within this many days of the complaint is retained. */
  readonly horizonDays: number;
}

/** The parts of each split, in the order they are reported. */
export const OUTCOME_PARTS = ['retained', 'atRisk', 'lost'] as const satisfies ReadonlyArray<keyof OutcomeSplit>;
export const SILENT_OUTCOME_PARTS = ['atRisk', 'lost'] as const satisfies ReadonlyArray<keyof SilentOutcomeSplit>;

export type OutcomeFigures = Pick<ScenarioParameters, 'complainantOutcomes' | 'silentOutcomes' | 'resolvedFastRetention'>;
export type RetentionPriors = Pick<ScenarioParameters, 'classRetention' | 'silentRetention'>;

/**
 * The prior mean retentions the outcome figures imply. The figures describe complainants in general,
 * not by how their complaint was handled, so each class is mapped onto them:
 * - resolved_fast: the repurchase figure for a complaint handled quickly and well;
 * - resolved_slow: retained + at risk. A late resolution still resolves the complaint, so it is assumed
 *   to leave the customer at most at risk: only the share the figures count as lost goes;
 * - unresolved: retained only. Left unresolved, the at-risk complainants are assumed to go too;
 * - silent dissatisfied customers: 1 − lost, counting the at-risk ones as still there, as for
 *   resolved_slow.
 *
 * `withScenario` does not call this again when figures change: the priors are parameters in their own
 * right. A caller that wants them to follow changed figures passes this function's answer as overrides.
 */
export function retentionPriorsFromFigures(figures: OutcomeFigures): RetentionPriors {
  const { retained, atRisk } = figures.complainantOutcomes;
  return {
    classRetention: {
      resolved_fast: figures.resolvedFastRetention,
      resolved_slow: retained + atRisk,
      unresolved: retained,
    },
    silentRetention: 1 - figures.silentOutcomes.lost,
  };
}

const SOURCE_FIGURES = {
  /** 2% of dissatisfied customers complain; the source documents also say 4% elsewhere. */
  complaintRate: 0.02,
  complainantOutcomes: { retained: 0.38, atRisk: 0.34, lost: 0.28 },
  silentOutcomes: { atRisk: 0.55, lost: 0.45 },
  resolvedFastRetention: 0.95,
  wordOfMouth: { tellsIfSatisfied: 3, tellsIfDissatisfied: 11, tellsIfResolvedWell: 5 },
} as const satisfies Omit<ScenarioParameters, keyof RetentionPriors | 'priorWeight' | 'horizonDays'>;

export const DEFAULT_SCENARIO: ScenarioParameters = {
  ...SOURCE_FIGURES,
  ...retentionPriorsFromFigures(SOURCE_FIGURES),
  /** The figures count as ten customers' outcomes: a few dozen real ones already outweigh them. */
  priorWeight: 10,
  /** Half a year. */
  horizonDays: 180,
};

function scenarioProblemList(p: ScenarioParameters): FieldProblem[] {
  return found([
    shareProblem('complaintRate', p.complaintRate),
    ...splitProblems('complainantOutcomes', p.complainantOutcomes, OUTCOME_PARTS),
    ...splitProblems('silentOutcomes', p.silentOutcomes, SILENT_OUTCOME_PARTS),
    shareProblem('resolvedFastRetention', p.resolvedFastRetention),
    nonNegativeProblem('wordOfMouth.tellsIfSatisfied', p.wordOfMouth?.tellsIfSatisfied),
    nonNegativeProblem('wordOfMouth.tellsIfDissatisfied', p.wordOfMouth?.tellsIfDissatisfied),
    nonNegativeProblem('wordOfMouth.tellsIfResolvedWell', p.wordOfMouth?.tellsIfResolvedWell),
    ...HANDLING_CLASSES.map((handling) => priorMeanProblem(`classRetention.${handling}`, p.classRetention?.[handling])),
    priorMeanProblem('silentRetention', p.silentRetention),
    positiveProblem('priorWeight', p.priorWeight),
    positiveProblem('horizonDays', p.horizonDays),
  ]);
}

/**
 * What is wrong with a set of scenario parameters, one message per problem; empty when it is usable.
 * Shares lie in [0, 1], each split adds up to 1, priors lie strictly between 0 and 1, word-of-mouth
 * counts are ≥ 0, and the prior weight and the horizon are > 0.
 */
export function scenarioProblems(p: ScenarioParameters): string[] {
  return scenarioProblemList(p).map(({ path, message }) => `${path} ${message}`);
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `base` with a partial override laid over it, field by field at every depth, as read from
 * configuration JSON. Only the fields `base` has may be given, each as a number (or an object where
 * `base` has one), so a misspelt name is an error rather than a silently ignored setting.
 */
function mergeOver(
  base: Readonly<Record<string, unknown>>,
  override: unknown,
  path: string,
  problems: string[],
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  if (!isPlainObject(override)) {
    problems.push(`${path || 'overrides'} must be an object, got ${shown(override)}`);
    return merged;
  }
  for (const [key, value] of Object.entries(override)) {
    const at = path ? `${path}.${key}` : key;
    if (!Object.hasOwn(base, key)) {
      problems.push(`${at} is not a scenario parameter`);
      continue;
    }
    const current = base[key];
    if (isPlainObject(current)) merged[key] = mergeOver(current, value, at, problems);
    else if (typeof value === 'number') merged[key] = value;
    else problems.push(`${at} must be a number, got ${shown(value)}`);
  }
  return merged;
}

/**
 * `base` with `overrides` (a partial ScenarioParameters, typically parsed JSON) deep-merged over it.
 * Throws a RangeError listing every problem: unknown fields, wrong types, and what scenarioProblems
 * finds in the result. No overrides (undefined) gives `base` back.
 */
export function withScenario(base: ScenarioParameters, overrides: unknown): ScenarioParameters {
  if (overrides === undefined) return base;
  const problems: string[] = [];
  // The merge copies base's shape and admits only numbers where base has numbers, so the result
  // is a ScenarioParameters once base is one.
  const merged = mergeOver({ ...base }, overrides, '', problems) as unknown as ScenarioParameters;
  if (problems.length === 0) problems.push(...scenarioProblems(merged));
  if (problems.length > 0) throw new RangeError(`invalid scenario parameters: ${problems.join('; ')}`);
  return merged;
}
