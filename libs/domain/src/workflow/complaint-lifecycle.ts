/**
 * The lifecycle of a complaint after intake, as a pure state machine:
 *
 *   new → acknowledged → in_progress ⇄ waiting_customer → resolved → closed
 *                                                          resolved → reopened → in_progress
 *
 * Edges beyond the main line, and why:
 * - any first action on a `new` complaint counts as its first response, because each one means the
 *   owner has dealt with the customer: `start`, `wait_for_customer` (the owner asked the customer
 *   something) and `resolve` (fixed on first contact) acknowledge implicitly;
 * - `acknowledged` and `reopened` may also go straight to `waiting_customer` or `resolved`, for the
 *   same reason `in_progress` may;
 * - a complaint waiting for the customer may be resolved without resuming (the customer's answer
 *   settled it);
 * - `reopen` is allowed only within a configured window after the resolution: at `resolvedAt +
 *   reopenWindowMs` exactly the window has passed. A reopen starts a new resolution cycle with the full
 *   target, since the customer is back to square one;
 * - only a resolved complaint may be closed, and `closed` is final.
 *
 * Who may act is not decided here (see ownership.ts); the effects tell the caller what the SLA clocks
 * must do.
 */

export const COMPLAINT_STATES = [
  'new',
  'acknowledged',
  'in_progress',
  'waiting_customer',
  'resolved',
  'reopened',
  'closed',
] as const;
export type ComplaintState = (typeof COMPLAINT_STATES)[number];

export const LIFECYCLE_ACTIONS = [
  'acknowledge',
  'start',
  'wait_for_customer',
  'resume',
  'resolve',
  'reopen',
  'close',
] as const;
export type LifecycleActionType = (typeof LIFECYCLE_ACTIONS)[number];

export const COMPENSATION_TYPES = ['refund', 'replacement', 'voucher', 'other'] as const;
export type CompensationType = (typeof COMPENSATION_TYPES)[number];

export interface Compensation {
  readonly type: CompensationType;
  /** In the currency's major unit, e.g. 12.5 for €12.50. */
  readonly amount: number;
  /** ISO 4217, e.g. 'EUR'. */
  readonly currency: string;
}

export interface ResolutionInput {
  readonly summary: string;
  readonly compensation?: Compensation | null;
}

export interface Resolution {
  readonly summary: string;
  readonly compensation: Compensation | null;
}

export type LifecycleAction =
  | { readonly type: 'acknowledge' }
  | { readonly type: 'start' }
  | { readonly type: 'wait_for_customer' }
  | { readonly type: 'resume' }
  | { readonly type: 'resolve'; readonly resolution: ResolutionInput }
  | { readonly type: 'reopen' }
  | { readonly type: 'close' };

export interface TransitionContext {
  readonly now: Date;
  /** When the complaint was last resolved; required to reopen. */
  readonly resolvedAt: Date | null;
  readonly reopenWindowMs: number;
}

/** What the SLA clocks must do because of a transition, in the order to apply them. */
export type LifecycleEffect =
  | 'first_response_met'
  | 'resolution_paused'
  | 'resolution_resumed'
  | 'resolution_met'
  | 'resolution_restarted';

export type TransitionErrorCode = 'illegal_transition' | 'reopen_window_passed' | 'invalid_resolution';

export interface TransitionOk {
  readonly ok: true;
  readonly action: LifecycleActionType;
  readonly from: ComplaintState;
  readonly state: ComplaintState;
  readonly effects: readonly LifecycleEffect[];
  /** The normalised resolution, for `resolve`; null otherwise. */
  readonly resolution: Resolution | null;
}

export interface TransitionRefused {
  readonly ok: false;
  readonly code: TransitionErrorCode;
  readonly currentState: ComplaintState;
  readonly message: string;
}

export type TransitionResult = TransitionOk | TransitionRefused;

const EDGES: Readonly<Record<ComplaintState, Readonly<Partial<Record<LifecycleActionType, ComplaintState>>>>> = {
  new: { acknowledge: 'acknowledged', start: 'in_progress', wait_for_customer: 'waiting_customer', resolve: 'resolved' },
  acknowledged: { start: 'in_progress', wait_for_customer: 'waiting_customer', resolve: 'resolved' },
  in_progress: { wait_for_customer: 'waiting_customer', resolve: 'resolved' },
  waiting_customer: { resume: 'in_progress', resolve: 'resolved' },
  resolved: { reopen: 'reopened', close: 'closed' },
  reopened: { start: 'in_progress', wait_for_customer: 'waiting_customer', resolve: 'resolved' },
  closed: {},
};

export const RESOLUTION_SUMMARY_MAX_LENGTH = 5000;
export const COMPENSATION_MAX_AMOUNT = 1_000_000;
const CURRENCY = /^[A-Z]{3}$/;

/** The actions the state machine accepts in `state` (a reopen still depends on its window). */
export function allowedActions(state: ComplaintState): LifecycleActionType[] {
  return LIFECYCLE_ACTIONS.filter((action) => EDGES[state][action] !== undefined);
}

/** The first instant at which a complaint resolved at `resolvedAt` can no longer be reopened. */
export function reopenWindowEndsAt(resolvedAt: Date, reopenWindowMs: number): Date {
  return new Date(resolvedAt.getTime() + reopenWindowMs);
}

function refuse(code: TransitionErrorCode, currentState: ComplaintState, message: string): TransitionRefused {
  return { ok: false, code, currentState, message };
}

/** The resolution trimmed and upper-cased where that is safe, or what is wrong with it. */
export function normaliseResolution(input: ResolutionInput): Resolution | string {
  const summary = input.summary.trim();
  if (summary.length === 0) return 'a resolution needs a summary';
  if (summary.length > RESOLUTION_SUMMARY_MAX_LENGTH) {
    return `a resolution summary is at most ${RESOLUTION_SUMMARY_MAX_LENGTH} characters`;
  }
  const given = input.compensation ?? null;
  if (given === null) return { summary, compensation: null };
  if (!(COMPENSATION_TYPES as readonly string[]).includes(given.type)) {
    return `compensation type must be one of ${COMPENSATION_TYPES.join(', ')}`;
  }
  if (!Number.isFinite(given.amount) || given.amount < 0 || given.amount > COMPENSATION_MAX_AMOUNT) {
    return `compensation amount must be between 0 and ${COMPENSATION_MAX_AMOUNT}`;
  }
  const currency = given.currency.trim().toUpperCase();
  if (!CURRENCY.test(currency)) return 'compensation currency must be an ISO 4217 code such as EUR';
  return { summary, compensation: { type: given.type, amount: given.amount, currency } };
}

function effectsOf(from: ComplaintState, action: LifecycleActionType, to: ComplaintState): LifecycleEffect[] {
  const effects: LifecycleEffect[] = [];
  if (from === 'new') effects.push('first_response_met');
  if (to === 'waiting_customer') effects.push('resolution_paused');
  if (action === 'resume') effects.push('resolution_resumed');
  if (action === 'resolve') effects.push('resolution_met');
  if (action === 'reopen') effects.push('resolution_restarted');
  return effects;
}

/** Applies `action` to a complaint in `state`; see the rules at the top of this file. */
export function transition(state: ComplaintState, action: LifecycleAction, context: TransitionContext): TransitionResult {
  const to = EDGES[state][action.type];
  if (to === undefined) {
    return refuse('illegal_transition', state, `cannot ${action.type.replace(/_/g, ' ')} a complaint that is ${state.replace(/_/g, ' ')}`);
  }
  let resolution: Resolution | null = null;
  if (action.type === 'resolve') {
    const normalised = normaliseResolution(action.resolution);
    if (typeof normalised === 'string') return refuse('invalid_resolution', state, normalised);
    resolution = normalised;
  }
  if (action.type === 'reopen') {
    if (context.resolvedAt === null) throw new Error('a resolved complaint must have a resolution time to be reopened');
    const endsAt = reopenWindowEndsAt(context.resolvedAt, context.reopenWindowMs);
    if (context.now.getTime() >= endsAt.getTime()) {
      return refuse('reopen_window_passed', state, `the complaint could be reopened until ${endsAt.toISOString()}`);
    }
  }
  return { ok: true, action: action.type, from: state, state: to, effects: effectsOf(state, action.type, to), resolution };
}
