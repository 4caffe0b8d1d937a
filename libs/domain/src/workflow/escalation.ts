import type { SeverityLevel } from '../intake/severity';
import type { ComplaintState } from './complaint-lifecycle';
import type { DeadlineKind } from './sla-clock';

/**
 * The escalation ladder ("the manager handles it on site"):
 * - level 1: a first-response breach, or any critical complaint, goes to the managers of the
 *   complaint's store, or to the ops duty manager when it concerns no store;
 * - level 2: a level-1 escalation nobody acknowledged in time, or a resolution breach, goes to operations.
 *
 * A complaint climbs but never goes down, and asking for a level it has already reached gives nothing
 * new, so a retried or late event cannot escalate twice. A resolved or closed complaint no longer
 * escalates: whatever fired is stale. Escalation never touches the owner (see ownership.ts).
 */

export type EscalationLevel = 1 | 2;

export type EscalationTarget =
  | { readonly level: 1; readonly audience: 'store_managers'; readonly storeId: string }
  | { readonly level: 1; readonly audience: 'ops_duty' }
  | { readonly level: 2; readonly audience: 'ops' };

export type EscalationAudience = EscalationTarget['audience'];

export type EscalationReason =
  | 'critical_complaint'
  | 'first_response_breached'
  | 'level1_unacknowledged'
  | 'resolution_breached';

export type EscalationEvent =
  /** A complaint arrived, or its severity changed: a critical one escalates at once. */
  | { readonly type: 'complaint_received' }
  | { readonly type: 'severity_changed' }
  | { readonly type: 'sla_breached'; readonly kind: DeadlineKind }
  /** The level-1 acknowledgement timer fired; checked again here, as the timer may be stale. */
  | { readonly type: 'level1_unacknowledged'; readonly now: Date; readonly acknowledgeWithinMs: number };

export interface Level1Escalation {
  readonly escalatedAt: Date;
  readonly acknowledgedAt: Date | null;
}

export interface EscalationSubject {
  readonly state: ComplaintState;
  readonly severity: SeverityLevel;
  readonly storeId: string | null;
  /** The highest level reached so far; 0 when never escalated. */
  readonly escalationLevel: number;
  /** The level-1 escalation, once there is one. */
  readonly level1: Level1Escalation | null;
}

export interface EscalationDecision {
  readonly target: EscalationTarget;
  readonly reason: EscalationReason;
}

/** Where a level-1 escalation of a complaint with this store goes. */
export function level1Target(storeId: string | null): EscalationTarget {
  return storeId === null ? { level: 1, audience: 'ops_duty' } : { level: 1, audience: 'store_managers', storeId };
}

export const LEVEL2_TARGET: EscalationTarget = { level: 2, audience: 'ops' };

/** When a level-1 escalation raised at `escalatedAt` climbs to level 2 unless acknowledged before. */
export function level1AcknowledgementDueAt(escalatedAt: Date, acknowledgeWithinMs: number): Date {
  return new Date(escalatedAt.getTime() + acknowledgeWithinMs);
}

function wanted(event: EscalationEvent, complaint: EscalationSubject): EscalationDecision | null {
  switch (event.type) {
    case 'complaint_received':
    case 'severity_changed':
      return complaint.severity === 'critical' ? { target: level1Target(complaint.storeId), reason: 'critical_complaint' } : null;
    case 'sla_breached':
      return event.kind === 'first_response'
        ? { target: level1Target(complaint.storeId), reason: 'first_response_breached' }
        : { target: LEVEL2_TARGET, reason: 'resolution_breached' };
    case 'level1_unacknowledged': {
      const level1 = complaint.level1;
      if (level1 === null || level1.acknowledgedAt !== null) return null;
      const dueAt = level1AcknowledgementDueAt(level1.escalatedAt, event.acknowledgeWithinMs);
      return event.now.getTime() >= dueAt.getTime() ? { target: LEVEL2_TARGET, reason: 'level1_unacknowledged' } : null;
    }
  }
}

/** The escalation `event` calls for, or null when it calls for none or for a level already reached. */
export function escalationFor(event: EscalationEvent, complaint: EscalationSubject): EscalationDecision | null {
  if (complaint.state === 'resolved' || complaint.state === 'closed') return null;
  const decision = wanted(event, complaint);
  return decision !== null && decision.target.level > complaint.escalationLevel ? decision : null;
}
