import type { HandlingClass } from './handling-class';
import { PEAK_SCORES, endScore, peakEndScore, peakScore, type PeakEndFacts, type SatisfactionAnswer } from './peak-end';

function episode(overrides: Partial<PeakEndFacts> = {}): PeakEndFacts {
  return {
    breaches: 0,
    highestEscalationLevel: 0,
    reopenCount: 0,
    longestWaitHours: 2,
    handlingClass: 'resolved_fast',
    satisfaction: null,
    ...overrides,
  };
}

const answer = (overrides: Partial<SatisfactionAnswer> = {}): SatisfactionAnswer => ({ dissatisfied: false, score: null, scale: null, ...overrides });

describe('peakScore', () => {
  it.each<[string, Partial<PeakEndFacts>, number]>([
    ['nothing bad', {}, 10],
    ['a wait of exactly 24 h', { longestWaitHours: 24 }, 10],
    ['a wait over 24 h', { longestWaitHours: 24.5 }, 7],
    ['a breach', { breaches: 2, longestWaitHours: 30 }, 4],
    ['an escalation to the store', { highestEscalationLevel: 1, breaches: 1 }, 3],
    ['a reopen', { reopenCount: 1, highestEscalationLevel: 1 }, 2],
    ['an escalation to operations', { highestEscalationLevel: 2, reopenCount: 3, breaches: 1 }, 1],
  ])('is the worst moment: %s → %s', (_case, overrides, expected) => {
    expect(peakScore(episode(overrides))).toBe(expected);
  });

  it('reads its table', () => {
    expect(peakScore(episode({ highestEscalationLevel: 2 }))).toBe(PEAK_SCORES.escalationLevel2);
  });
});

describe('endScore', () => {
  it.each<[HandlingClass, number]>([
    ['resolved_fast', 10],
    ['resolved_slow', 5],
    ['unresolved', 0],
  ])('is the handling class without an answer: %s → %s', (handlingClass, expected) => {
    expect(endScore(episode({ handlingClass }))).toBe(expected);
  });

  it('prefers the customer’s answer, a score rescaled to 0–10', () => {
    expect(endScore(episode({ handlingClass: 'unresolved', satisfaction: answer({ score: 3, scale: 4 }) }))).toBe(7.5);
    expect(endScore(episode({ satisfaction: answer({ dissatisfied: true, score: 0, scale: 10 }) }))).toBe(0);
  });

  it('takes a bare answer as 0 or 10', () => {
    expect(endScore(episode({ satisfaction: answer({ dissatisfied: true }) }))).toBe(0);
    expect(endScore(episode({ handlingClass: 'unresolved', satisfaction: answer() }))).toBe(10);
  });

  it('refuses a score off its scale', () => {
    expect(() => endScore(episode({ satisfaction: answer({ score: 6, scale: 5 }) }))).toThrow(RangeError);
    expect(() => endScore(episode({ satisfaction: answer({ score: 0, scale: 0 }) }))).toThrow(RangeError);
  });
});

describe('peakEndScore', () => {
  it('averages the peak and the end', () => {
    expect(peakEndScore(episode({ breaches: 1, handlingClass: 'resolved_slow' }))).toEqual({ peak: 4, end: 5, score: 4.5 });
    expect(peakEndScore(episode({ highestEscalationLevel: 2, satisfaction: answer({ score: 9, scale: 10 }) }))).toEqual({ peak: 1, end: 9, score: 5 });
    expect(peakEndScore(episode())).toEqual({ peak: 10, end: 10, score: 10 });
  });

  it('is null while the complaint has not ended', () => {
    expect(peakEndScore(episode({ handlingClass: null, breaches: 1 }))).toBeNull();
  });

  it('scores an unclassified complaint once the customer has answered', () => {
    expect(peakEndScore(episode({ handlingClass: null, satisfaction: answer({ dissatisfied: true }) }))).toEqual({ peak: 10, end: 0, score: 5 });
  });
});
