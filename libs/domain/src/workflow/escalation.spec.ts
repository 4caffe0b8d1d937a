import {
  LEVEL2_TARGET,
  escalationFor,
  level1AcknowledgementDueAt,
  level1Target,
  type EscalationEvent,
  type EscalationSubject,
} from './escalation';

const ESCALATED_AT = new Date('2026-01-19T10:00:00Z');
const ACKNOWLEDGE_WITHIN_MS = 30 * 60_000;

function complaint(overrides: Partial<EscalationSubject> = {}): EscalationSubject {
  return { state: 'in_progress', severity: 'normal', storeId: 'S007', escalationLevel: 0, level1: null, ...overrides };
}

function unacknowledgedCheck(now: Date): EscalationEvent {
  return { type: 'level1_unacknowledged', now, acknowledgeWithinMs: ACKNOWLEDGE_WITHIN_MS };
}

const atLevel1 = (acknowledgedAt: Date | null = null): EscalationSubject =>
  complaint({ escalationLevel: 1, level1: { escalatedAt: ESCALATED_AT, acknowledgedAt } });

describe('escalationFor', () => {
  it('sends a first-response breach to the managers of the complaint’s store', () => {
    expect(escalationFor({ type: 'sla_breached', kind: 'first_response' }, complaint())).toEqual({
      target: { level: 1, audience: 'store_managers', storeId: 'S007' },
      reason: 'first_response_breached',
    });
  });

  it('sends it to the ops duty manager when the complaint concerns no store', () => {
    expect(escalationFor({ type: 'sla_breached', kind: 'first_response' }, complaint({ storeId: null }))).toEqual({
      target: { level: 1, audience: 'ops_duty' },
      reason: 'first_response_breached',
    });
  });

  it('escalates a critical complaint at once, and when its severity becomes critical', () => {
    const critical = complaint({ severity: 'critical', state: 'new' });
    expect(escalationFor({ type: 'complaint_received' }, critical)).toEqual({
      target: level1Target('S007'),
      reason: 'critical_complaint',
    });
    expect(escalationFor({ type: 'severity_changed' }, critical)).toMatchObject({ reason: 'critical_complaint' });
  });

  it.each(['high', 'normal', 'low'] as const)('does not escalate a %s complaint on arrival', (severity) => {
    expect(escalationFor({ type: 'complaint_received' }, complaint({ severity, state: 'new' }))).toBeNull();
  });

  it('sends a resolution breach to operations, skipping level 1 if need be', () => {
    expect(escalationFor({ type: 'sla_breached', kind: 'resolution' }, complaint())).toEqual({
      target: LEVEL2_TARGET,
      reason: 'resolution_breached',
    });
    expect(escalationFor({ type: 'sla_breached', kind: 'resolution' }, atLevel1())).toMatchObject({ target: { level: 2 } });
  });

  it('climbs to operations when level 1 is still unacknowledged at the configured time, not 1 ms before', () => {
    const dueAt = level1AcknowledgementDueAt(ESCALATED_AT, ACKNOWLEDGE_WITHIN_MS);
    expect(dueAt).toEqual(new Date('2026-01-19T10:30:00Z'));
    expect(escalationFor(unacknowledgedCheck(new Date(dueAt.getTime() - 1)), atLevel1())).toBeNull();
    expect(escalationFor(unacknowledgedCheck(dueAt), atLevel1())).toEqual({
      target: { level: 2, audience: 'ops' },
      reason: 'level1_unacknowledged',
    });
  });

  it('does not climb when level 1 was acknowledged, or never raised', () => {
    const late = new Date('2026-01-19T12:00:00Z');
    expect(escalationFor(unacknowledgedCheck(late), atLevel1(new Date('2026-01-19T10:05:00Z')))).toBeNull();
    expect(escalationFor(unacknowledgedCheck(late), complaint())).toBeNull();
  });

  it('is idempotent: a level already reached gives nothing new', () => {
    expect(escalationFor({ type: 'sla_breached', kind: 'first_response' }, atLevel1())).toBeNull();
    expect(escalationFor({ type: 'complaint_received' }, complaint({ severity: 'critical', escalationLevel: 1 }))).toBeNull();
    expect(escalationFor({ type: 'sla_breached', kind: 'resolution' }, complaint({ escalationLevel: 2 }))).toBeNull();
  });

  it('never de-escalates: level-1 reasons give nothing once at level 2', () => {
    const atLevel2 = complaint({ severity: 'critical', escalationLevel: 2 });
    expect(escalationFor({ type: 'sla_breached', kind: 'first_response' }, atLevel2)).toBeNull();
    expect(escalationFor({ type: 'severity_changed' }, atLevel2)).toBeNull();
  });

  it.each(['resolved', 'closed'] as const)('does not escalate a %s complaint (the event is stale)', (state) => {
    expect(escalationFor({ type: 'sla_breached', kind: 'resolution' }, complaint({ state }))).toBeNull();
    expect(escalationFor(unacknowledgedCheck(new Date('2026-01-20T00:00:00Z')), { ...atLevel1(), state })).toBeNull();
  });

  it('still escalates a reopened complaint or one waiting for the customer', () => {
    expect(escalationFor({ type: 'sla_breached', kind: 'resolution' }, complaint({ state: 'reopened' }))).not.toBeNull();
    expect(escalationFor(unacknowledgedCheck(new Date('2026-01-20T00:00:00Z')), { ...atLevel1(), state: 'waiting_customer' })).not.toBeNull();
  });
});
