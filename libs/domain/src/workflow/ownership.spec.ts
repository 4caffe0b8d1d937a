import {
  acceptHandover,
  assignAtIntake,
  claim,
  declineHandover,
  isEscalationHandler,
  mayAcknowledgeEscalation,
  mayActOnLifecycle,
  mayAddNote,
  mayView,
  proposeHandover,
  reassign,
  withdrawHandover,
  type OwnershipSubject,
  type PendingHandover,
  type WorkflowPrincipal,
} from './ownership';

const NOW = new Date('2026-01-19T10:00:00Z');

function agent(subject: string): WorkflowPrincipal {
  return { subject, role: 'agent', storeIds: [] };
}

function manager(subject: string, ...storeIds: string[]): WorkflowPrincipal {
  return { subject, role: 'store_manager', storeIds };
}

function ops(subject: string): WorkflowPrincipal {
  return { subject, role: 'ops', storeIds: [] };
}

function complaint(overrides: Partial<OwnershipSubject> = {}): OwnershipSubject {
  return { ownerId: 'alice', storeId: 'S007', closed: false, escalations: [], pendingHandover: null, ...overrides };
}

function handover(overrides: Partial<PendingHandover> = {}): PendingHandover {
  return { from: 'alice', to: 'bob', reason: 'end of my shift', proposedAt: new Date('2026-01-19T09:00:00Z'), ...overrides };
}

const escalatedToStore = complaint({ escalations: [{ level: 1, audience: 'store_managers', storeId: 'S007' }] });

describe('who may see, note and act', () => {
  it('lets agents and operations see every complaint, store managers only their stores’', () => {
    expect(mayView(agent('carol'), complaint())).toBe(true);
    expect(mayView(ops('olga'), complaint({ storeId: null }))).toBe(true);
    expect(mayView(manager('mia', 'S007'), complaint())).toBe(true);
    expect(mayView(manager('mia', 'S001'), complaint())).toBe(false);
    expect(mayView(manager('mia', 'S007'), complaint({ storeId: null }))).toBe(false);
    expect(mayAddNote(manager('mia', 'S001'), complaint())).toBe(false);
  });

  it('lets the owner act', () => {
    expect(mayActOnLifecycle(agent('alice'), complaint())).toEqual({ allowed: true, as: 'owner' });
  });

  it('lets operations act on any complaint', () => {
    expect(mayActOnLifecycle(ops('olga'), complaint())).toEqual({ allowed: true, as: 'ops' });
    expect(mayActOnLifecycle(ops('olga'), complaint({ ownerId: null }))).toEqual({ allowed: true, as: 'ops' });
  });

  it('lets a manager of the store act once the complaint is escalated to the store’s managers', () => {
    expect(isEscalationHandler(manager('mia', 'S007'), escalatedToStore)).toBe(true);
    expect(mayActOnLifecycle(manager('mia', 'S007'), escalatedToStore)).toEqual({ allowed: true, as: 'escalation_handler' });
  });

  it('lets a store manager only add notes before an escalation', () => {
    expect(mayActOnLifecycle(manager('mia', 'S007'), complaint())).toMatchObject({ allowed: false, code: 'not_owner' });
    expect(mayAddNote(manager('mia', 'S007'), complaint())).toBe(true);
  });

  it('gives a manager of another store neither notes nor actions', () => {
    expect(mayActOnLifecycle(manager('max', 'S001'), escalatedToStore)).toMatchObject({ allowed: false, code: 'no_access' });
  });

  it('does not make an escalation to the ops duty manager a store manager’s business', () => {
    const toOpsDuty = complaint({ storeId: null, escalations: [{ level: 1, audience: 'ops_duty' }] });
    expect(isEscalationHandler(manager('mia', 'S007'), toOpsDuty)).toBe(false);
  });

  it('lets another agent only add notes, and says who owns the complaint', () => {
    expect(mayActOnLifecycle(agent('carol'), complaint())).toEqual({
      allowed: false,
      code: 'not_owner',
      message: 'only the owner (alice), an escalation handler or operations may act; you may add internal notes',
    });
    expect(mayActOnLifecycle(agent('carol'), complaint({ ownerId: null }))).toMatchObject({ allowed: false, code: 'not_owner' });
    expect(mayAddNote(agent('carol'), complaint())).toBe(true);
  });

  it('lets the store’s managers acknowledge a store escalation, and operations any', () => {
    const toStore = { level: 1, audience: 'store_managers', storeId: 'S007' } as const;
    expect(mayAcknowledgeEscalation(manager('mia', 'S007'), toStore)).toBe(true);
    expect(mayAcknowledgeEscalation(manager('max', 'S001'), toStore)).toBe(false);
    expect(mayAcknowledgeEscalation(agent('alice'), toStore)).toBe(false);
    expect(mayAcknowledgeEscalation(ops('olga'), { level: 2, audience: 'ops' })).toBe(true);
    expect(mayAcknowledgeEscalation(manager('mia', 'S007'), { level: 1, audience: 'ops_duty' })).toBe(false);
  });
});

describe('first owner', () => {
  it('assigns a complaint taken on the phone or in store to the person who took it', () => {
    expect(assignAtIntake(' alice ', NOW)).toEqual({ kind: 'assigned', from: null, to: 'alice', by: 'alice', reason: null, at: NOW });
    expect(() => assignAtIntake(' ', NOW)).toThrow(RangeError);
  });

  it('lets anyone who may see an unowned complaint claim it', () => {
    expect(claim(complaint({ ownerId: null }), agent('carol'), NOW)).toEqual({
      ok: true,
      ownerId: 'carol',
      change: { kind: 'claimed', from: null, to: 'carol', by: 'carol', reason: null, at: NOW },
    });
  });

  it('refuses a claim of an owned complaint and names the owner', () => {
    expect(claim(complaint(), agent('carol'), NOW)).toEqual({
      ok: false,
      code: 'already_owned',
      message: 'the complaint is already owned by alice',
      ownerId: 'alice',
    });
  });

  it('refuses a claim by a manager of another store, and of a closed complaint', () => {
    expect(claim(complaint({ ownerId: null }), manager('max', 'S001'), NOW)).toMatchObject({ ok: false, code: 'no_access' });
    expect(claim(complaint({ ownerId: null, closed: true }), agent('carol'), NOW)).toMatchObject({ ok: false, code: 'complaint_closed' });
  });
});

describe('hand-over', () => {
  it('is proposed by the owner and moves nothing yet', () => {
    expect(proposeHandover(complaint(), agent('alice'), { to: ' bob ', reason: ' end of my shift ' }, NOW)).toEqual({
      ok: true,
      handover: { from: 'alice', to: 'bob', reason: 'end of my shift', proposedAt: NOW },
    });
  });

  it.each([
    ['someone else proposes', complaint(), agent('carol'), { to: 'bob', reason: 'r' }, 'not_owner'],
    ['the complaint has no owner', complaint({ ownerId: null }), agent('alice'), { to: 'bob', reason: 'r' }, 'unowned'],
    ['the owner hands over to self', complaint(), agent('alice'), { to: 'alice', reason: 'r' }, 'handover_to_self'],
    ['no receiver is named', complaint(), agent('alice'), { to: '  ', reason: 'r' }, 'invalid_receiver'],
    ['one is pending already', complaint({ pendingHandover: handover() }), agent('alice'), { to: 'dan', reason: 'r' }, 'handover_pending'],
    ['the reason is empty', complaint(), agent('alice'), { to: 'bob', reason: ' ' }, 'reason_required'],
    ['the reason is too long', complaint(), agent('alice'), { to: 'bob', reason: 'x'.repeat(1001) }, 'reason_too_long'],
    ['the complaint is closed', complaint({ closed: true }), agent('alice'), { to: 'bob', reason: 'r' }, 'complaint_closed'],
  ] as const)('is refused when %s', (_case, subject, principal, request, code) => {
    expect(proposeHandover(subject, principal, request, NOW)).toMatchObject({ ok: false, code, ownerId: subject.ownerId });
  });

  it('ignores a pending hand-over left from an earlier owner', () => {
    const stale = complaint({ ownerId: 'dan', pendingHandover: handover() });
    expect(proposeHandover(stale, agent('dan'), { to: 'bob', reason: 'r' }, NOW)).toMatchObject({ ok: true });
    expect(acceptHandover(stale, agent('bob'), NOW)).toMatchObject({ ok: false, code: 'no_pending_handover' });
  });

  it('moves ownership when the receiver accepts, with who, from, to, why and when', () => {
    expect(acceptHandover(complaint({ pendingHandover: handover() }), agent('bob'), NOW)).toEqual({
      ok: true,
      ownerId: 'bob',
      change: { kind: 'handed_over', from: 'alice', to: 'bob', by: 'bob', reason: 'end of my shift', at: NOW },
      handover: handover(),
    });
  });

  it('leaves the owner in place when the receiver declines', () => {
    expect(declineHandover(complaint({ pendingHandover: handover() }), agent('bob'))).toEqual({
      ok: true,
      ownerId: 'alice',
      handover: handover(),
    });
  });

  it('is answered only by its receiver', () => {
    const pending = complaint({ pendingHandover: handover() });
    expect(acceptHandover(pending, agent('carol'), NOW)).toMatchObject({ ok: false, code: 'not_handover_receiver', ownerId: 'alice' });
    expect(declineHandover(pending, agent('alice'))).toMatchObject({ ok: false, code: 'not_handover_receiver' });
    expect(acceptHandover(complaint(), agent('bob'), NOW)).toMatchObject({ ok: false, code: 'no_pending_handover' });
  });

  it('cannot be accepted by a store manager who may not see the complaint', () => {
    const toManager = complaint({ pendingHandover: handover({ to: 'max' }) });
    expect(acceptHandover(toManager, manager('max', 'S001'), NOW)).toMatchObject({ ok: false, code: 'no_access' });
    expect(acceptHandover(toManager, manager('max', 'S007'), NOW)).toMatchObject({ ok: true, ownerId: 'max' });
  });

  it('may be withdrawn by the owner only', () => {
    const pending = complaint({ pendingHandover: handover() });
    expect(withdrawHandover(pending, agent('alice'))).toEqual({ ok: true, handover: handover() });
    expect(withdrawHandover(pending, agent('bob'))).toMatchObject({ ok: false, code: 'not_owner' });
    expect(withdrawHandover(complaint(), agent('alice'))).toMatchObject({ ok: false, code: 'no_pending_handover' });
  });
});

describe('reassignment by operations', () => {
  it('moves ownership with the reason, and withdraws a pending hand-over', () => {
    expect(reassign(complaint({ pendingHandover: handover() }), ops('olga'), { to: 'dan', reason: 'alice is off sick' }, NOW)).toEqual({
      ok: true,
      ownerId: 'dan',
      change: { kind: 'reassigned', from: 'alice', to: 'dan', by: 'olga', reason: 'alice is off sick', at: NOW },
      withdrawnHandover: handover(),
    });
  });

  it('gives an unowned complaint its first owner', () => {
    expect(reassign(complaint({ ownerId: null }), ops('olga'), { to: 'dan', reason: 'queue overflow' }, NOW)).toMatchObject({
      ok: true,
      change: { kind: 'reassigned', from: null, to: 'dan' },
      withdrawnHandover: null,
    });
  });

  it.each([
    ['an agent reassigns', agent('carol'), { to: 'dan', reason: 'r' }, 'not_ops'],
    ['a store manager reassigns', manager('mia', 'S007'), { to: 'dan', reason: 'r' }, 'not_ops'],
    ['the reason is empty', ops('olga'), { to: 'dan', reason: '   ' }, 'reason_required'],
    ['no receiver is named', ops('olga'), { to: '', reason: 'r' }, 'invalid_receiver'],
    ['the receiver already owns it', ops('olga'), { to: 'alice', reason: 'r' }, 'already_owner'],
  ] as const)('is refused when %s', (_case, principal, request, code) => {
    expect(reassign(complaint(), principal, request, NOW)).toMatchObject({ ok: false, code, ownerId: 'alice' });
  });

  it('is refused on a closed complaint', () => {
    expect(reassign(complaint({ closed: true }), ops('olga'), { to: 'dan', reason: 'r' }, NOW)).toMatchObject({
      ok: false,
      code: 'complaint_closed',
    });
  });
});

describe('a claimed complaint is never without an owner', () => {
  it('has an owner after every accepted change and keeps it after every refusal', () => {
    const subject = complaint({ pendingHandover: handover() });
    const outcomes = [
      claim(subject, agent('carol'), NOW),
      acceptHandover(subject, agent('bob'), NOW),
      declineHandover(subject, agent('bob')),
      reassign(subject, ops('olga'), { to: 'dan', reason: 'r' }, NOW),
      reassign(subject, ops('olga'), { to: 'dan', reason: '' }, NOW),
    ];
    for (const outcome of outcomes) {
      expect(outcome.ownerId).toEqual(expect.any(String));
    }
  });
});
