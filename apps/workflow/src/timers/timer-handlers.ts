import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AlertsRepository } from '../alerts/alerts.repository';
import { WorkflowComplaintRepository } from '../complaints/workflow-complaint.repository';
import { EscalationService } from '../escalations/escalation.service';
import { SlaNotifierService } from '../sla/sla-notifier.service';
import { TimerQueueService, type TimerOutcome } from './timer-queue.service';

/** Gives every timer job name its one handler (the queue refuses to start while one is missing). */
@Injectable()
export class TimerHandlers implements OnModuleInit {
  constructor(
    private readonly timers: TimerQueueService,
    private readonly notifier: SlaNotifierService,
    private readonly escalations: EscalationService,
    private readonly complaints: WorkflowComplaintRepository,
    private readonly alerts: AlertsRepository,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.timers.handle('sla-deadline', (timers) => this.notifier.fire(timers));
    this.timers.handle('escalation-unacknowledged', async (timers) => {
      const outcomes: TimerOutcome[] = [];
      for (const timer of timers) outcomes.push(await this.escalateUnacknowledged(timer.complaintId));
      return outcomes;
    });
  }

  /** A level-1 escalation nobody acknowledged in time climbs to operations (re-checked: the timer may be stale). */
  private async escalateUnacknowledged(complaintId: string): Promise<TimerOutcome> {
    const now = new Date();
    const outcome = await this.dataSource.transaction(async (manager) => {
      const complaint = await this.complaints.find(manager, complaintId, true);
      if (complaint === null) return null;
      const escalation = await this.escalations.apply(
        manager,
        complaint,
        { type: 'level1_unacknowledged', now, acknowledgeWithinMs: this.escalations.acknowledgeWithinMs },
        now,
        null,
      );
      await this.alerts.insert(manager, escalation.alerts);
      return escalation;
    });
    if (outcome === null || !outcome.escalated) return 'skipped';
    await this.timers.schedule(outcome.timers, now);
    return 'fired';
  }
}
