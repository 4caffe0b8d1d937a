/**
 * How a complaint was handled, in the three classes retention is estimated for ("handling decides
 * retention"):
 * - `resolved_fast`: resolved with no SLA breach and never reopened;
 * - `resolved_slow`: resolved, but after a breach (first response or resolution, either counts) or
 *   after the customer had to reopen it;
 * - `unresolved`: closed without a resolution, or still unresolved at or after its resolution due time.
 *
 * A complaint that is still open within its deadline has no class yet (null): counting it as
 * unresolved would blame handling that is still going on. That includes a reopened complaint, whose
 * earlier resolution no longer stands.
 */

export const HANDLING_CLASSES = ['resolved_fast', 'resolved_slow', 'unresolved'] as const;
export type HandlingClass = (typeof HANDLING_CLASSES)[number];

export interface ComplaintOutcomeFacts {
  /** When the current resolution was recorded; null while unresolved, including after a reopen. */
  readonly resolvedAt: Date | null;
  readonly closedAt: Date | null;
  /** The resolution deadline of the current cycle; null while its clock is paused. */
  readonly resolutionDueAt: Date | null;
  /** SLA breaches of any kind so far. */
  readonly breaches: number;
  readonly reopenCount: number;
  /** Closed without a resolution (e.g. the customer stopped answering). */
  readonly closedUnresolved: boolean;
}

/**
 * The handling class of a complaint as of `now`, or null while it is still open within its deadline.
 * A close without resolution is the last word even if a resolution was recorded before it. A resolution
 * deadline is passed at its due time exactly, as an SLA breach is.
 */
export function handlingClass(facts: ComplaintOutcomeFacts, now: Date): HandlingClass | null {
  if (facts.closedUnresolved || (facts.closedAt !== null && facts.resolvedAt === null)) return 'unresolved';
  if (facts.resolvedAt !== null) return facts.breaches > 0 || facts.reopenCount > 0 ? 'resolved_slow' : 'resolved_fast';
  if (facts.resolutionDueAt !== null && now.getTime() >= facts.resolutionDueAt.getTime()) return 'unresolved';
  return null;
}
