import { handlingClass, type ComplaintOutcomeFacts } from './handling-class';

const RECEIVED = new Date('2026-02-02T08:00:00Z');
const DUE = new Date('2026-02-05T08:00:00Z');
const RESOLVED = new Date('2026-02-03T15:00:00Z');
const BEFORE_DUE = new Date(DUE.getTime() - 1);

function facts(overrides: Partial<ComplaintOutcomeFacts> = {}): ComplaintOutcomeFacts {
  return { resolvedAt: null, closedAt: null, resolutionDueAt: DUE, breaches: 0, reopenCount: 0, closedUnresolved: false, ...overrides };
}

describe('handlingClass', () => {
  it('is resolved_fast for a resolution with no breach and no reopen', () => {
    expect(handlingClass(facts({ resolvedAt: RESOLVED }), RESOLVED)).toBe('resolved_fast');
    expect(handlingClass(facts({ resolvedAt: RESOLVED, closedAt: DUE }), DUE)).toBe('resolved_fast');
  });

  it('is resolved_slow for a resolution after any breach', () => {
    expect(handlingClass(facts({ resolvedAt: RESOLVED, breaches: 1 }), RESOLVED)).toBe('resolved_slow');
  });

  it('is resolved_slow for a complaint reopened and resolved again', () => {
    expect(handlingClass(facts({ resolvedAt: RESOLVED, reopenCount: 1 }), RESOLVED)).toBe('resolved_slow');
  });

  it('is unresolved from its resolution due time exactly, not 1 ms before', () => {
    expect(handlingClass(facts(), BEFORE_DUE)).toBeNull();
    expect(handlingClass(facts(), DUE)).toBe('unresolved');
  });

  it('is unresolved when closed without a resolution, even before the due time', () => {
    expect(handlingClass(facts({ closedUnresolved: true, closedAt: RESOLVED }), RESOLVED)).toBe('unresolved');
    expect(handlingClass(facts({ closedAt: RESOLVED }), RESOLVED)).toBe('unresolved');
  });

  it('takes a close without resolution as the last word over an earlier resolution', () => {
    expect(handlingClass(facts({ resolvedAt: RESOLVED, closedUnresolved: true, closedAt: DUE }), DUE)).toBe('unresolved');
  });

  it('has no class yet while open within its deadline, or while its clock is paused', () => {
    expect(handlingClass(facts(), RECEIVED)).toBeNull();
    expect(handlingClass(facts({ breaches: 1 }), RECEIVED)).toBeNull();
    expect(handlingClass(facts({ resolutionDueAt: null }), new Date('2026-03-01T00:00:00Z'))).toBeNull();
  });

  it('has no class for a reopened complaint that is open again and within its new deadline', () => {
    expect(handlingClass(facts({ reopenCount: 1 }), BEFORE_DUE)).toBeNull();
    expect(handlingClass(facts({ reopenCount: 1 }), DUE)).toBe('unresolved');
  });
});
