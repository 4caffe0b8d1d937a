import { storedTimer, timerJobData, timerJobId, timerPriority, type TimerJob } from './timer-jobs';

describe('timerJobId', () => {
  const complaintId = '5d0b8a2e-6f3c-4b71-9e2a-1c4d7f8b3a90';

  it('is deterministic per deadline, phase and version', () => {
    const job: TimerJob = { name: 'sla-deadline', data: { complaintId, kind: 'first_response', phase: 'breach', version: 3, at: '2026-11-23T10:00:00.000Z' } };
    expect(timerJobId(job)).toBe(`sla-${complaintId}-fb-v3`);
    expect(timerJobId({ ...job, data: { ...job.data, version: 4 } })).not.toBe(timerJobId(job));
  });

  it('never contains a colon and is never all digits (BullMQ rejects both)', () => {
    const ids = [
      timerJobId({ name: 'sla-deadline', data: { complaintId, kind: 'resolution', phase: 'warning', version: 1, at: '2026-11-23T10:00:00.000Z' } }),
      timerJobId({ name: 'escalation-unacknowledged', data: { escalationId: complaintId, complaintId, at: '2026-11-23T10:00:00.000Z' } }),
    ];
    for (const id of ids) {
      expect(id).not.toContain(':');
      expect(id).not.toMatch(/^\d+$/);
    }
  });
});

describe('storedTimer', () => {
  const complaintId = '5d0b8a2e-6f3c-4b71-9e2a-1c4d7f8b3a90';
  const at = '2026-11-23T10:00:00.000Z';

  it('gives back every timer from its id, its stored data and its firing time', () => {
    const jobs: TimerJob[] = [
      { name: 'sla-deadline', data: { complaintId, kind: 'first_response', phase: 'warning', version: 1, at } },
      { name: 'sla-deadline', data: { complaintId, kind: 'resolution', phase: 'breach', version: 12, at } },
      { name: 'escalation-unacknowledged', data: { escalationId: '0f8c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f', complaintId, at } },
    ];
    for (const job of jobs) {
      const data: unknown = JSON.parse(JSON.stringify(timerJobData(job)));
      expect(storedTimer(job.name, timerJobId(job), data, new Date(at))).toEqual(job);
    }
  });

  it('keeps nothing in a deadline job that its id says', () => {
    expect(timerJobData({ name: 'sla-deadline', data: { complaintId, kind: 'resolution', phase: 'breach', version: 1, at } })).toEqual({});
  });

  it('reads no job of another id form', () => {
    expect(storedTimer('sla-deadline', `sla-${complaintId}-first-response-breach-v1`, {}, new Date(at))).toBeNull();
    expect(storedTimer('escalation-unacknowledged', 'escalation-x-unacknowledged', {}, new Date(at))).toBeNull();
    expect(storedTimer('something-else', `sla-${complaintId}-fb-v1`, {}, new Date(at))).toBeNull();
  });
});

describe('timerPriority', () => {
  const complaintId = '5d0b8a2e-6f3c-4b71-9e2a-1c4d7f8b3a90';
  const at = '2026-11-23T10:00:00.000Z';

  it('runs breaches before escalations to operations, and those before warnings', () => {
    const breach = timerPriority({ name: 'sla-deadline', data: { complaintId, kind: 'resolution', phase: 'breach', version: 1, at } });
    const escalation = timerPriority({ name: 'escalation-unacknowledged', data: { escalationId: complaintId, complaintId, at } });
    const warning = timerPriority({ name: 'sla-deadline', data: { complaintId, kind: 'resolution', phase: 'warning', version: 1, at } });
    expect(breach).toBeLessThan(escalation);
    expect(escalation).toBeLessThan(warning);
    expect(breach).toBeGreaterThanOrEqual(1);
  });
});
