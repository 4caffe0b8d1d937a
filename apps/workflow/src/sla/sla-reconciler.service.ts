import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { level1AcknowledgementDueAt } from '@app/domain';
import { DataSource } from 'typeorm';
import { storedDeadline, WorkflowComplaintRepository, type DeadlineRow } from '../complaints/workflow-complaint.repository';
import { timersOf } from './sla-policy.service';
import type { TimerJob } from '../timers/timer-jobs';
import { TimerQueueService } from '../timers/timer-queue.service';

const PAGE = 1000;

/** The timers one stored deadline still needs: its breach, and its warning unless given or overtaken by the due time. */
export function timersFor(deadline: DeadlineRow, now: Date): TimerJob[] {
  if (deadline.breached_at !== null) return [];
  const overdue = deadline.due_at !== null && deadline.due_at <= now;
  return timersOf(storedDeadline(deadline)).filter(
    (job) => job.name !== 'sla-deadline' || job.data.phase === 'breach' || (deadline.warned_at === null && !overdue),
  );
}

/**
 * Timers are a cache of the database (DESIGN §5): on start and periodically, every stored deadline
 * with a notification to come gets its jobs back in Redis. Deterministic job ids make this idempotent;
 * deadlines already past get a job with no delay and fire at once. Losing Redis loses no breach.
 */
@Injectable()
export class SlaReconcilerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SlaReconcilerService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly complaints: WorkflowComplaintRepository,
    private readonly timers: TimerQueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reconcile();
    this.timer = setInterval(() => void this.reconcile().catch(() => undefined), this.config.workflow.reconcileIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer !== null) clearInterval(this.timer);
  }

  /** Re-creates the job of every pending deadline; returns how many deadlines were looked at. */
  reconcile(): Promise<number> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<number> {
    let seen = 0;
    let after: { complaintId: string; kind: string } | null = null;
    try {
      for (;;) {
        const page = await this.complaints.pendingDeadlines(this.dataSource.manager, after, PAGE);
        if (page.length === 0) break;
        const now = new Date();
        await this.timers.scheduleMissing(
          page.flatMap((deadline) => timersFor(deadline, now)),
          now,
        );
        seen += page.length;
        const last = page[page.length - 1];
        if (last === undefined || page.length < PAGE) break;
        after = { complaintId: last.complaint_id, kind: last.kind };
      }
      seen += await this.reconcileEscalations();
      if (seen > 0) this.logger.log({ msg: 'timers reconciled with the database', timers: seen });
    } catch (error) {
      this.logger.warn({ msg: 'timer reconciliation failed; the next round retries', error: String(error) });
      throw error;
    }
    return seen;
  }

  /** Level-1 escalations still waiting for a manager get their climb-to-operations timer back. */
  private async reconcileEscalations(): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT e.id, e.complaint_id, e.created_at FROM escalations e JOIN complaints c ON c.id = e.complaint_id
       WHERE e.level = 1 AND e.acknowledged_at IS NULL AND c.escalation_level = 1 AND c.state NOT IN ('resolved', 'closed')`,
    )) as Array<{ id: string; complaint_id: string; created_at: Date }>;
    const acknowledgeWithinMs = this.config.workflow.escalationAcknowledgeMs;
    const jobs = rows.map(
      (row): TimerJob => ({
        name: 'escalation-unacknowledged',
        data: { escalationId: row.id, complaintId: row.complaint_id, at: level1AcknowledgementDueAt(row.created_at, acknowledgeWithinMs).toISOString() },
      }),
    );
    await this.timers.scheduleMissing(jobs, new Date());
    return jobs.length;
  }
}
