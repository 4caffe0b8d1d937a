/** A figure as measured: a number, or a word where a number would mislead (e.g. "not reached"). */
export type Figure = number | string;

/** A target stated as a ratio: `value` is the measured ratio, `baseline` what it is a ratio of. */
export interface RatioFigure {
  readonly value: number;
  readonly baseline: number;
  readonly target: number;
}

/**
 * `reported` when a run proves nothing either way: quick runs, whose sizes are too small to judge a
 * target, and figures that have no target.
 */
export type Verdict = 'met' | 'missed' | 'reported';

export interface BenchmarkResult {
  readonly name: string;
  readonly target: string;
  readonly figures: Record<string, Figure>;
  readonly ratio?: RatioFigure;
  readonly verdict: Verdict;
}

export interface Benchmark {
  readonly name: string;
  readonly target: string;
  run(quick: boolean): Promise<BenchmarkResult>;
}

/** A quick run only shows that a benchmark still runs; its figures judge nothing. */
export function verdict(quick: boolean, met: boolean): Verdict {
  if (quick) return 'reported';
  return met ? 'met' : 'missed';
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
