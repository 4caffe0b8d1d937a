/**
 * Every delayed job workflow schedules, as a typed union: enqueueing a payload that does not belong
 * to its job name does not compile. Job ids are deterministic (no ':' and never all digits), so
 * scheduling the same timer twice is one job, and a firing job can tell whether it is still current.
 */
export interface DeadlineTimer {
  readonly complaintId: string;
  readonly kind: 'first_response' | 'resolution';
  readonly phase: 'warning' | 'breach';
  /** The deadline's version when scheduled; a later change of the deadline makes this job stale. */
  readonly version: number;
  /** When it should fire (ISO-8601): the warning instant or the due time. */
  readonly at: string;
}

export interface EscalationTimer {
  readonly escalationId: string;
  readonly complaintId: string;
  readonly at: string;
}

export interface TimerJobs {
  readonly 'sla-deadline': DeadlineTimer;
  readonly 'escalation-unacknowledged': EscalationTimer;
}

export type TimerJobName = keyof TimerJobs;

export type TimerJob = { [Name in TimerJobName]: { readonly name: Name; readonly data: TimerJobs[Name] } }[TimerJobName];

const KIND_CODES = { first_response: 'f', resolution: 'r' } as const;
const PHASE_CODES = { warning: 'w', breach: 'b' } as const;
const DEADLINE_JOB_ID = /^sla-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-([fr])([wb])-v(\d+)$/;
const ESCALATION_JOB_ID = /^escalation-(.+)-unacknowledged$/;

/**
 * `sla-<complaint>-<f|r><w|b>-v<version>` (first response or resolution, warning or breach) and
 * `escalation-<escalation>-unacknowledged`. Short on purpose: Redis keeps the id three times per
 * waiting job, and with the id saying which timer it is, the job needs little else (see timerJobData).
 */
export function timerJobId(job: TimerJob): string {
  switch (job.name) {
    case 'sla-deadline': {
      const { complaintId, kind, phase, version } = job.data;
      return `sla-${complaintId}-${KIND_CODES[kind]}${PHASE_CODES[phase]}-v${version}`;
    }
    case 'escalation-unacknowledged':
      return `escalation-${job.data.escalationId}-unacknowledged`;
  }
}

/**
 * What a job keeps in Redis besides its id and firing time: only what the id does not say. Every
 * handler re-reads PostgreSQL, so a job is a reminder of which timer to look at, not a copy of it.
 */
export function timerJobData(job: TimerJob): Record<string, string> {
  return job.name === 'sla-deadline' ? {} : { complaintId: job.data.complaintId };
}

/**
 * The timer a stored job stands for, from what timerJobId and timerJobData kept and the instant it was
 * due to fire; null for a job this code cannot read (an id of another form).
 */
export function storedTimer(name: string, id: string, data: unknown, at: Date): TimerJob | null {
  if (name === 'sla-deadline') {
    const match = DEADLINE_JOB_ID.exec(id);
    if (match === null) return null;
    const [, complaintId = '', kind, phase, version = ''] = match;
    return {
      name,
      data: {
        complaintId,
        kind: kind === 'f' ? 'first_response' : 'resolution',
        phase: phase === 'w' ? 'warning' : 'breach',
        version: Number(version),
        at: at.toISOString(),
      },
    };
  }
  if (name === 'escalation-unacknowledged') {
    const escalationId = ESCALATION_JOB_ID.exec(id)?.[1];
    const complaintId = (data as { complaintId?: unknown } | null)?.complaintId;
    if (escalationId === undefined || typeof complaintId !== 'string') return null;
    return { name, data: { escalationId, complaintId, at: at.toISOString() } };
  }
  return null;
}

export function timerAt(job: TimerJob): Date {
  return new Date(job.data.at);
}

/**
 * When many timers are due at once (a bulk of deadlines after a holiday), breaches go first, then
 * escalations to operations, then warnings: a warning that comes late is worth least. 1 is highest.
 */
export function timerPriority(job: TimerJob): number {
  if (job.name === 'escalation-unacknowledged') return 2;
  return job.data.phase === 'breach' ? 1 : 3;
}
