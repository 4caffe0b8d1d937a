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

export function timerJobId(job: TimerJob): string {
  switch (job.name) {
    case 'sla-deadline': {
      const { complaintId, kind, phase, version } = job.data;
      return `sla-${complaintId}-${kind.replace('_', '-')}-${phase}-v${version}`;
    }
    case 'escalation-unacknowledged':
      return `escalation-${job.data.escalationId}-unacknowledged`;
  }
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
