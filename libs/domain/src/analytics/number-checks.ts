/**
 * The checks the estimators share, each answering what is wrong with one value (or null). They take
 * `unknown` because parameters often come from configuration JSON, where a type says nothing.
 */

export interface FieldProblem {
  /** Where the value sits in its input, e.g. `complainantOutcomes.lost`. */
  readonly path: string;
  readonly message: string;
}

/**
 * How far the shares of a split may add up away from 1. The source figures are given to two
 * decimals, so this only absorbs floating-point rounding, never a wrong figure.
 */
export const SPLIT_TOLERANCE = 1e-9;

export function shown(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return JSON.stringify(value) ?? typeof value;
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isShare(value: unknown): value is number {
  return isFiniteNumber(value) && value >= 0 && value <= 1;
}

export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The problems among some checks' answers. */
export function found(checks: ReadonlyArray<FieldProblem | null>): FieldProblem[] {
  return checks.filter((problem): problem is FieldProblem => problem !== null);
}

export function shareProblem(path: string, value: unknown): FieldProblem | null {
  return isShare(value) ? null : { path, message: `must be a share in [0, 1], got ${shown(value)}` };
}

/** A prior mean of exactly 0 or 1 could never be moved by data, so a prior must lie strictly inside. */
export function priorMeanProblem(path: string, value: unknown): FieldProblem | null {
  return isFiniteNumber(value) && value > 0 && value < 1
    ? null
    : { path, message: `must be a share strictly between 0 and 1, got ${shown(value)}` };
}

export function nonNegativeProblem(path: string, value: unknown): FieldProblem | null {
  return isFiniteNumber(value) && value >= 0 ? null : { path, message: `must be a finite number ≥ 0, got ${shown(value)}` };
}

export function positiveProblem(path: string, value: unknown): FieldProblem | null {
  return isFiniteNumber(value) && value > 0 ? null : { path, message: `must be a finite number > 0, got ${shown(value)}` };
}

export function countProblem(path: string, value: unknown): FieldProblem | null {
  return isCount(value) ? null : { path, message: `must be a whole number ≥ 0, got ${shown(value)}` };
}

/**
 * Problems with a split of shares (e.g. retained / at risk / lost): each named part a share, and
 * together 1 within SPLIT_TOLERANCE. The sum is checked only when every part is a share, so one bad
 * figure is reported once.
 */
export function splitProblems(path: string, split: unknown, parts: readonly string[]): FieldProblem[] {
  const fields: Readonly<Record<string, unknown>> = typeof split === 'object' && split !== null ? { ...split } : {};
  const values = parts.map((name) => fields[name]);
  const problems = parts.flatMap((name, index) => shareProblem(`${path}.${name}`, values[index]) ?? []);
  if (problems.length > 0) return problems;
  const total = values.reduce<number>((sum, value) => sum + (value as number), 0);
  if (Math.abs(total - 1) > SPLIT_TOLERANCE) {
    problems.push({ path, message: `shares must add up to 1, got ${parts.join(' + ')} = ${total}` });
  }
  return problems;
}

/** Throws a RangeError naming every problem, so one bad input is not fixed one message at a time. */
export function assertNoProblems(what: string, problems: readonly FieldProblem[]): void {
  if (problems.length === 0) return;
  throw new RangeError(`${what}: ${problems.map(({ path, message }) => `${path} ${message}`).join('; ')}`);
}
