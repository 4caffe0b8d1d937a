import { LIFECYCLE_STATES } from '@app/contracts';
import {
  COMPLAINT_STATES,
  LIFECYCLE_ACTIONS,
  allowedActions,
  reopenWindowEndsAt,
  transition,
  type ComplaintState,
  type LifecycleAction,
  type LifecycleActionType,
  type LifecycleEffect,
  type TransitionContext,
} from './complaint-lifecycle';

const HOUR = 3_600_000;
const RESOLVED_AT = new Date('2026-01-19T10:00:00Z');
const REOPEN_WINDOW_MS = 14 * 24 * HOUR;

function context(overrides: Partial<TransitionContext> = {}): TransitionContext {
  return { now: new Date('2026-01-20T10:00:00Z'), resolvedAt: RESOLVED_AT, reopenWindowMs: REOPEN_WINDOW_MS, ...overrides };
}

function action(type: LifecycleActionType): LifecycleAction {
  return type === 'resolve' ? { type, resolution: { summary: 'Replaced the kettle' } } : { type };
}

type Expected = readonly [ComplaintState, readonly LifecycleEffect[]] | 'illegal';

/** Every (state, action) pair, written out by hand. */
const TABLE: Record<ComplaintState, Record<LifecycleActionType, Expected>> = {
  new: {
    acknowledge: ['acknowledged', ['first_response_met']],
    start: ['in_progress', ['first_response_met']],
    wait_for_customer: ['waiting_customer', ['first_response_met', 'resolution_paused']],
    resume: 'illegal',
    resolve: ['resolved', ['first_response_met', 'resolution_met']],
    reopen: 'illegal',
    close: 'illegal',
  },
  acknowledged: {
    acknowledge: 'illegal',
    start: ['in_progress', []],
    wait_for_customer: ['waiting_customer', ['resolution_paused']],
    resume: 'illegal',
    resolve: ['resolved', ['resolution_met']],
    reopen: 'illegal',
    close: 'illegal',
  },
  in_progress: {
    acknowledge: 'illegal',
    start: 'illegal',
    wait_for_customer: ['waiting_customer', ['resolution_paused']],
    resume: 'illegal',
    resolve: ['resolved', ['resolution_met']],
    reopen: 'illegal',
    close: 'illegal',
  },
  waiting_customer: {
    acknowledge: 'illegal',
    start: 'illegal',
    wait_for_customer: 'illegal',
    resume: ['in_progress', ['resolution_resumed']],
    resolve: ['resolved', ['resolution_met']],
    reopen: 'illegal',
    close: 'illegal',
  },
  resolved: {
    acknowledge: 'illegal',
    start: 'illegal',
    wait_for_customer: 'illegal',
    resume: 'illegal',
    resolve: 'illegal',
    reopen: ['reopened', ['resolution_restarted']],
    close: ['closed', []],
  },
  reopened: {
    acknowledge: 'illegal',
    start: ['in_progress', []],
    wait_for_customer: ['waiting_customer', ['resolution_paused']],
    resume: 'illegal',
    resolve: ['resolved', ['resolution_met']],
    reopen: 'illegal',
    close: 'illegal',
  },
  closed: {
    acknowledge: 'illegal',
    start: 'illegal',
    wait_for_customer: 'illegal',
    resume: 'illegal',
    resolve: 'illegal',
    reopen: 'illegal',
    close: 'illegal',
  },
};

const PAIRS = COMPLAINT_STATES.flatMap((state) =>
  LIFECYCLE_ACTIONS.map((type) => [state, type, TABLE[state][type]] as const),
);

describe('complaint lifecycle', () => {
  it('has the same states as the event contracts', () => {
    expect([...COMPLAINT_STATES]).toEqual([...LIFECYCLE_STATES]);
  });

  it('covers every (state, action) pair in the table', () => {
    expect(PAIRS).toHaveLength(COMPLAINT_STATES.length * LIFECYCLE_ACTIONS.length);
  });

  it.each(PAIRS)('%s + %s', (state, type, expected) => {
    const result = transition(state, action(type), context());
    if (expected === 'illegal') {
      expect(result).toEqual({
        ok: false,
        code: 'illegal_transition',
        currentState: state,
        message: expect.stringContaining(state.replace(/_/g, ' ')),
      });
    } else {
      expect(result).toMatchObject({ ok: true, action: type, from: state, state: expected[0], effects: expected[1] });
    }
  });

  it.each(COMPLAINT_STATES)('lists the actions allowed in %s', (state) => {
    expect(allowedActions(state)).toEqual(LIFECYCLE_ACTIONS.filter((type) => TABLE[state][type] !== 'illegal'));
  });

  it('says what was illegal in words', () => {
    expect(transition('closed', { type: 'wait_for_customer' }, context())).toMatchObject({
      message: 'cannot wait for customer a complaint that is closed',
    });
  });
});

describe('reopen window', () => {
  const endsAt = reopenWindowEndsAt(RESOLVED_AT, REOPEN_WINDOW_MS);

  it('ends the configured time after the resolution', () => {
    expect(endsAt).toEqual(new Date('2026-02-02T10:00:00Z'));
  });

  it('allows a reopen 1 ms before the window ends and refuses it at the end', () => {
    expect(transition('resolved', { type: 'reopen' }, context({ now: new Date(endsAt.getTime() - 1) }))).toMatchObject({
      ok: true,
      state: 'reopened',
    });
    expect(transition('resolved', { type: 'reopen' }, context({ now: endsAt }))).toEqual({
      ok: false,
      code: 'reopen_window_passed',
      currentState: 'resolved',
      message: 'the complaint could be reopened until 2026-02-02T10:00:00.000Z',
    });
  });

  it('cannot reopen a resolved complaint whose resolution time is unknown', () => {
    expect(() => transition('resolved', { type: 'reopen' }, context({ resolvedAt: null }))).toThrow(Error);
  });

  it('still refuses a reopen of a closed complaint as illegal, inside the window', () => {
    expect(transition('closed', { type: 'reopen' }, context())).toMatchObject({ ok: false, code: 'illegal_transition' });
  });
});

describe('resolve', () => {
  it('returns the resolution trimmed, with no compensation when none is given', () => {
    const result = transition('in_progress', { type: 'resolve', resolution: { summary: '  Refunded in store  ' } }, context());
    expect(result).toMatchObject({ ok: true, resolution: { summary: 'Refunded in store', compensation: null } });
  });

  it('records compensation with its type, amount and currency', () => {
    const result = transition(
      'waiting_customer',
      {
        type: 'resolve',
        resolution: { summary: 'Refund for the broken kettle', compensation: { type: 'refund', amount: 39.99, currency: 'eur' } },
      },
      context(),
    );
    expect(result).toMatchObject({
      ok: true,
      state: 'resolved',
      resolution: { summary: 'Refund for the broken kettle', compensation: { type: 'refund', amount: 39.99, currency: 'EUR' } },
    });
  });

  it.each([
    [{ summary: '   ' }, 'a resolution needs a summary'],
    [{ summary: 'x'.repeat(5001) }, 'a resolution summary is at most 5000 characters'],
    [{ summary: 'ok', compensation: { type: 'voucher', amount: -1, currency: 'EUR' } }, 'compensation amount must be between 0 and 1000000'],
    [{ summary: 'ok', compensation: { type: 'voucher', amount: Number.NaN, currency: 'EUR' } }, 'compensation amount must be between 0 and 1000000'],
    [{ summary: 'ok', compensation: { type: 'voucher', amount: 10, currency: 'euro' } }, 'compensation currency must be an ISO 4217 code such as EUR'],
  ] as const)('refuses an invalid resolution %#', (resolution, message) => {
    expect(transition('in_progress', { type: 'resolve', resolution }, context())).toEqual({
      ok: false,
      code: 'invalid_resolution',
      currentState: 'in_progress',
      message,
    });
  });

  it('refuses a compensation type it does not know', () => {
    const resolution = JSON.parse('{"summary":"ok","compensation":{"type":"cash","amount":5,"currency":"EUR"}}') as {
      summary: string;
      compensation: { type: 'refund'; amount: number; currency: string };
    };
    expect(transition('in_progress', { type: 'resolve', resolution }, context())).toMatchObject({ code: 'invalid_resolution' });
  });

  it('checks legality before the resolution, so a closed complaint answers with its state', () => {
    expect(transition('closed', { type: 'resolve', resolution: { summary: '' } }, context())).toMatchObject({
      code: 'illegal_transition',
      currentState: 'closed',
    });
  });
});
