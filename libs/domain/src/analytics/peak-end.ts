import type { HandlingClass } from './handling-class';

/**
 * The peak–end rule: a customer remembers an episode by its worst moment and by how it ended, not by
 * its average. A complaint's remembered experience is scored on a 0–10 scale, 10 best:
 * score = (peak + end) / 2.
 */

/** The peak is the lowest of these that applies: the worst moment of the complaint. */
export const PEAK_SCORES = {
  nothingBad: 10,
  /** Waited longer than LONG_WAIT_HOURS for something. */
  longWait: 7,
  /** Any SLA breach. */
  breach: 4,
  /** Escalated to the store's managers. */
  escalationLevel1: 3,
  /** Had to reopen the complaint: it came back after being called resolved. */
  reopened: 2,
  /** Escalated to operations. */
  escalationLevel2: 1,
} as const;

/** A wait longer than this (in hours) counts as a bad moment. */
export const LONG_WAIT_HOURS = 24;

/** The end when the customer gave no satisfaction answer: how the complaint was handled. */
export const END_SCORES: Readonly<Record<HandlingClass, number>> = {
  resolved_fast: 10,
  resolved_slow: 5,
  unresolved: 0,
};

/** The end from a bare satisfied / dissatisfied answer with no score. */
export const SATISFACTION_END_SCORES = { dissatisfied: 0, satisfied: 10 } as const;

export const PEAK_END_SCALE_MAX = 10;

export interface SatisfactionAnswer {
  readonly dissatisfied: boolean;
  /** On a scale from 0 to `scale`; a survey on 1..5 is passed as score − 1 on scale 4. */
  readonly score: number | null;
  readonly scale: number | null;
}

export interface PeakEndFacts {
  readonly breaches: number;
  /** 0 when never escalated. */
  readonly highestEscalationLevel: number;
  readonly reopenCount: number;
  readonly longestWaitHours: number;
  readonly handlingClass: HandlingClass | null;
  readonly satisfaction: SatisfactionAnswer | null;
}

export interface PeakEndScore {
  readonly peak: number;
  readonly end: number;
  readonly score: number;
}

/** The worst moment of a complaint, from PEAK_SCORES. */
export function peakScore(facts: Pick<PeakEndFacts, 'breaches' | 'highestEscalationLevel' | 'reopenCount' | 'longestWaitHours'>): number {
  const moments: number[] = [PEAK_SCORES.nothingBad];
  if (facts.longestWaitHours > LONG_WAIT_HOURS) moments.push(PEAK_SCORES.longWait);
  if (facts.breaches > 0) moments.push(PEAK_SCORES.breach);
  if (facts.highestEscalationLevel >= 1) moments.push(PEAK_SCORES.escalationLevel1);
  if (facts.reopenCount > 0) moments.push(PEAK_SCORES.reopened);
  if (facts.highestEscalationLevel >= 2) moments.push(PEAK_SCORES.escalationLevel2);
  return Math.min(...moments);
}

/** The end: the customer's own answer when there is one, else how the complaint was handled; null when it has not ended. */
export function endScore(facts: Pick<PeakEndFacts, 'handlingClass' | 'satisfaction'>): number | null {
  const answer = facts.satisfaction;
  if (answer !== null) {
    const { score, scale } = answer;
    if (score !== null && scale !== null) {
      if (!(Number.isFinite(scale) && scale > 0 && Number.isFinite(score) && score >= 0 && score <= scale)) {
        throw new RangeError(`a satisfaction score must lie in [0, scale] with scale > 0, got ${score} of ${scale}`);
      }
      return (score / scale) * PEAK_END_SCALE_MAX;
    }
    return answer.dissatisfied ? SATISFACTION_END_SCORES.dissatisfied : SATISFACTION_END_SCORES.satisfied;
  }
  return facts.handlingClass === null ? null : END_SCORES[facts.handlingClass];
}

/** The remembered experience of a complaint; null while it has not ended (no class and no answer). */
export function peakEndScore(facts: PeakEndFacts): PeakEndScore | null {
  const end = endScore(facts);
  if (end === null) return null;
  const peak = peakScore(facts);
  return { peak, end, score: (peak + end) / 2 };
}
