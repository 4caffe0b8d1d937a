import type { EscalationTarget } from './escalation';

/**
 * First-responder ownership: whoever first takes a complaint owns it until it is closed. Ownership
 * moves only by a hand-over the receiver accepts, or by an operations reassignment with a reason;
 * nothing here ever leaves a claimed complaint without an owner.
 *
 * Who may do what:
 * - see a complaint and add internal notes: agents and operations, any complaint; store managers, the
 *   complaints of their stores;
 * - act on its lifecycle: the owner, a manager of the complaint's store once it has been escalated to
 *   the store's managers (an escalation handler), and operations;
 * - claim: anyone who may see it, only while it has no owner;
 * - hand over: the owner proposes, one hand-over at a time; the receiver accepts or declines, the owner
 *   may withdraw; until accepted the owner stays owner;
 * - reassign: operations only, with a reason; a pending hand-over is then withdrawn.
 */

export type PrincipalRole = 'agent' | 'store_manager' | 'ops';

/** Who is acting; the shape the auth library gives, restated so the rules depend on no library. */
export interface WorkflowPrincipal {
  readonly subject: string;
  readonly role: PrincipalRole;
  readonly storeIds: readonly string[];
}

export interface PendingHandover {
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly proposedAt: Date;
}

export interface OwnershipSubject {
  readonly ownerId: string | null;
  readonly storeId: string | null;
  readonly closed: boolean;
  /** The escalations raised on the complaint (escalations never go down, so all stay in force). */
  readonly escalations: readonly EscalationTarget[];
  readonly pendingHandover: PendingHandover | null;
}

export type OwnershipChangeKind = 'assigned' | 'claimed' | 'handed_over' | 'reassigned';

/** One change of owner, as it is recorded and announced. */
export interface OwnershipChange {
  readonly kind: OwnershipChangeKind;
  readonly from: string | null;
  readonly to: string;
  /** Who made the change: the taker, the claimer, the receiver who accepted, or the operator. */
  readonly by: string;
  readonly reason: string | null;
  readonly at: Date;
}

export type OwnershipErrorCode =
  | 'no_access'
  | 'complaint_closed'
  | 'already_owned'
  | 'unowned'
  | 'not_owner'
  | 'not_ops'
  | 'invalid_receiver'
  | 'handover_to_self'
  | 'handover_pending'
  | 'no_pending_handover'
  | 'not_handover_receiver'
  | 'reason_required'
  | 'reason_too_long'
  | 'already_owner';

export interface OwnershipRefused {
  readonly ok: false;
  readonly code: OwnershipErrorCode;
  readonly message: string;
  /** The owner as it stands, so a refused claim can name who owns the complaint. */
  readonly ownerId: string | null;
}

export type OwnershipResult<T> = ({ readonly ok: true } & T) | OwnershipRefused;

export const OWNERSHIP_REASON_MAX_LENGTH = 1000;

function refuse(code: OwnershipErrorCode, complaint: OwnershipSubject, message: string): OwnershipRefused {
  return { ok: false, code, message, ownerId: complaint.ownerId };
}

/** Whether `principal` may see the complaint, and so add internal notes to it. */
export function mayView(principal: WorkflowPrincipal, complaint: Pick<OwnershipSubject, 'storeId'>): boolean {
  if (principal.role !== 'store_manager') return true;
  return complaint.storeId !== null && principal.storeIds.includes(complaint.storeId);
}

export const mayAddNote = mayView;

/** Whether `principal` handles the complaint as a manager of a store it was escalated to. */
export function isEscalationHandler(principal: WorkflowPrincipal, complaint: OwnershipSubject): boolean {
  return (
    principal.role === 'store_manager' &&
    complaint.escalations.some(
      (target) => target.audience === 'store_managers' && target.storeId === complaint.storeId && principal.storeIds.includes(target.storeId),
    )
  );
}

export type ActingCapacity = 'owner' | 'escalation_handler' | 'ops';

export type LifecycleAuthority =
  | { readonly allowed: true; readonly as: ActingCapacity }
  | { readonly allowed: false; readonly code: 'no_access' | 'not_owner'; readonly message: string };

/** Whether `principal` may take a lifecycle action on the complaint, and in what capacity. */
export function mayActOnLifecycle(principal: WorkflowPrincipal, complaint: OwnershipSubject): LifecycleAuthority {
  if (complaint.ownerId !== null && complaint.ownerId === principal.subject) return { allowed: true, as: 'owner' };
  if (principal.role === 'ops') return { allowed: true, as: 'ops' };
  if (isEscalationHandler(principal, complaint)) return { allowed: true, as: 'escalation_handler' };
  if (!mayView(principal, complaint)) return { allowed: false, code: 'no_access', message: 'this complaint is not one of your stores' };
  return {
    allowed: false,
    code: 'not_owner',
    message:
      complaint.ownerId === null
        ? 'claim the complaint before acting on it; you may add internal notes'
        : `only the owner (${complaint.ownerId}), an escalation handler or operations may act; you may add internal notes`,
  };
}

/** Whether `principal` may acknowledge an escalation to `target`. */
export function mayAcknowledgeEscalation(principal: WorkflowPrincipal, target: EscalationTarget): boolean {
  if (principal.role === 'ops') return true;
  return target.audience === 'store_managers' && principal.role === 'store_manager' && principal.storeIds.includes(target.storeId);
}

function nonEmpty(id: string, what: string): string {
  const trimmed = id.trim();
  if (trimmed.length === 0) throw new RangeError(`${what} must not be empty`);
  return trimmed;
}

/** The first owner of a complaint taken on the phone or in store: the person who took it. */
export function assignAtIntake(takenBy: string, now: Date): OwnershipChange {
  const owner = nonEmpty(takenBy, 'takenBy');
  return { kind: 'assigned', from: null, to: owner, by: owner, reason: null, at: now };
}

function checkReason(reason: string, complaint: OwnershipSubject): string | OwnershipRefused {
  const trimmed = reason.trim();
  if (trimmed.length === 0) return refuse('reason_required', complaint, 'a reason is required');
  if (trimmed.length > OWNERSHIP_REASON_MAX_LENGTH) {
    return refuse('reason_too_long', complaint, `a reason is at most ${OWNERSHIP_REASON_MAX_LENGTH} characters`);
  }
  return trimmed;
}

/** The pending hand-over, if it still comes from the current owner (an older one no longer counts). */
function currentHandover(complaint: OwnershipSubject): PendingHandover | null {
  const pending = complaint.pendingHandover;
  return pending !== null && pending.from === complaint.ownerId ? pending : null;
}

/** `principal` claims an unowned complaint (e.g. from the email queue). */
export function claim(
  complaint: OwnershipSubject,
  principal: WorkflowPrincipal,
  now: Date,
): OwnershipResult<{ readonly ownerId: string; readonly change: OwnershipChange }> {
  if (!mayView(principal, complaint)) return refuse('no_access', complaint, 'this complaint is not one of your stores');
  if (complaint.closed) return refuse('complaint_closed', complaint, 'the complaint is closed');
  if (complaint.ownerId !== null) {
    return refuse('already_owned', complaint, `the complaint is already owned by ${complaint.ownerId}`);
  }
  const change: OwnershipChange = { kind: 'claimed', from: null, to: principal.subject, by: principal.subject, reason: null, at: now };
  return { ok: true, ownerId: principal.subject, change };
}

export interface HandoverRequest {
  readonly to: string;
  readonly reason: string;
}

/** The owner proposes to hand the complaint over; nothing moves until the receiver accepts. */
export function proposeHandover(
  complaint: OwnershipSubject,
  principal: WorkflowPrincipal,
  request: HandoverRequest,
  now: Date,
): OwnershipResult<{ readonly handover: PendingHandover }> {
  if (complaint.closed) return refuse('complaint_closed', complaint, 'the complaint is closed');
  if (complaint.ownerId === null) return refuse('unowned', complaint, 'an unowned complaint is claimed, not handed over');
  if (complaint.ownerId !== principal.subject) {
    return refuse('not_owner', complaint, `only the owner (${complaint.ownerId}) may hand the complaint over`);
  }
  const to = request.to.trim();
  if (to.length === 0) return refuse('invalid_receiver', complaint, 'say who should receive the complaint');
  if (to === complaint.ownerId) return refuse('handover_to_self', complaint, 'you already own the complaint');
  const pending = currentHandover(complaint);
  if (pending !== null) {
    return refuse('handover_pending', complaint, `a hand-over to ${pending.to} is already waiting for an answer`);
  }
  const reason = checkReason(request.reason, complaint);
  if (typeof reason !== 'string') return reason;
  return { ok: true, handover: { from: complaint.ownerId, to, reason, proposedAt: now } };
}

function pendingFor(
  complaint: OwnershipSubject,
  principal: WorkflowPrincipal,
): { readonly handover: PendingHandover } | OwnershipRefused {
  if (complaint.closed) return refuse('complaint_closed', complaint, 'the complaint is closed');
  const pending = currentHandover(complaint);
  if (pending === null) return refuse('no_pending_handover', complaint, 'there is no hand-over waiting for an answer');
  if (pending.to !== principal.subject) {
    return refuse('not_handover_receiver', complaint, `the hand-over is addressed to ${pending.to}`);
  }
  return { handover: pending };
}

/** The receiver accepts the pending hand-over and becomes the owner. */
export function acceptHandover(
  complaint: OwnershipSubject,
  principal: WorkflowPrincipal,
  now: Date,
): OwnershipResult<{ readonly ownerId: string; readonly change: OwnershipChange; readonly handover: PendingHandover }> {
  const found = pendingFor(complaint, principal);
  if ('ok' in found) return found;
  if (!mayView(principal, complaint)) return refuse('no_access', complaint, 'this complaint is not one of your stores');
  const { handover } = found;
  const change: OwnershipChange = {
    kind: 'handed_over',
    from: handover.from,
    to: handover.to,
    by: principal.subject,
    reason: handover.reason,
    at: now,
  };
  return { ok: true, ownerId: handover.to, change, handover };
}

/** The receiver declines the pending hand-over; the owner stays owner. */
export function declineHandover(
  complaint: OwnershipSubject,
  principal: WorkflowPrincipal,
): OwnershipResult<{ readonly ownerId: string; readonly handover: PendingHandover }> {
  const found = pendingFor(complaint, principal);
  if ('ok' in found) return found;
  return { ok: true, ownerId: found.handover.from, handover: found.handover };
}

/** The owner takes back a hand-over nobody has answered yet. */
export function withdrawHandover(
  complaint: OwnershipSubject,
  principal: WorkflowPrincipal,
): OwnershipResult<{ readonly handover: PendingHandover }> {
  const pending = currentHandover(complaint);
  if (pending === null) return refuse('no_pending_handover', complaint, 'there is no hand-over waiting for an answer');
  if (pending.from !== principal.subject) return refuse('not_owner', complaint, 'only the owner may withdraw the hand-over');
  return { ok: true, handover: pending };
}

/**
 * Operations give the complaint to `to` (off shift, left the company…), with a mandatory reason. It also
 * gives an unowned complaint its first owner. A pending hand-over is withdrawn.
 */
export function reassign(
  complaint: OwnershipSubject,
  principal: WorkflowPrincipal,
  request: HandoverRequest,
  now: Date,
): OwnershipResult<{ readonly ownerId: string; readonly change: OwnershipChange; readonly withdrawnHandover: PendingHandover | null }> {
  if (principal.role !== 'ops') return refuse('not_ops', complaint, 'only operations may reassign a complaint');
  if (complaint.closed) return refuse('complaint_closed', complaint, 'the complaint is closed');
  const to = request.to.trim();
  if (to.length === 0) return refuse('invalid_receiver', complaint, 'say who should receive the complaint');
  if (to === complaint.ownerId) return refuse('already_owner', complaint, `${to} already owns the complaint`);
  const reason = checkReason(request.reason, complaint);
  if (typeof reason !== 'string') return reason;
  const change: OwnershipChange = { kind: 'reassigned', from: complaint.ownerId, to, by: principal.subject, reason, at: now };
  return { ok: true, ownerId: to, change, withdrawnHandover: currentHandover(complaint) };
}
