import { DynamicModule, Module, type Provider } from '@nestjs/common';
import type { AlertWebhookConfig, AppConfig } from '@app/config';
import type { TopicNames } from '@app/messaging';
import { ServiceCoreModule } from '@app/platform';
import { AlertStreamService } from './alerts/alert-stream.service';
import { AlertsController } from './alerts/alerts.controller';
import { AlertsRepository } from './alerts/alerts.repository';
import { ComplaintActionsService } from './complaints/complaint-actions.service';
import { WorkflowComplaintsController } from './complaints/complaints.controller';
import { WorkflowComplaintRepository } from './complaints/workflow-complaint.repository';
import { ComplaintEventsConsumer } from './consumers/complaint-events.consumer';
import { EscalationService } from './escalations/escalation.service';
import { EscalationsController } from './escalations/escalations.controller';
import { WORKFLOW_MIGRATIONS } from './migrations';
import { SlaNotifierService } from './sla/sla-notifier.service';
import { SlaPolicyService } from './sla/sla-policy.service';
import { SlaReconcilerService } from './sla/sla-reconciler.service';
import { StoreCalendarsController } from './stores/store-calendars.controller';
import { TimerHandlers } from './timers/timer-handlers';
import { TIMER_QUEUE_NAME, TimerQueueService } from './timers/timer-queue.service';
import { WebhookCursorRepository } from './webhooks/webhook-cursor.repository';
import { WebhookDeliveryProcessor } from './webhooks/webhook-delivery.processor';
import { WebhookDispatcherService } from './webhooks/webhook-dispatcher.service';
import { ALERT_WEBHOOKS, WEBHOOK_QUEUE_NAME } from './webhooks/webhook-jobs';

export interface WorkflowModuleOptions {
  readonly topics?: Partial<TopicNames>;
  readonly migrateOnStart?: boolean;
  /** Tests use a queue of their own. */
  readonly timerQueueName?: string;
  readonly webhookQueueName?: string;
}

/** Outgoing alert webhooks, only when a URL is configured: otherwise no queue, worker or cursor. */
function webhookProviders(webhooks: AlertWebhookConfig | null, queueName: string): Provider[] {
  if (webhooks === null) return [];
  return [
    { provide: ALERT_WEBHOOKS, useValue: webhooks },
    { provide: WEBHOOK_QUEUE_NAME, useValue: queueName },
    WebhookCursorRepository,
    WebhookDispatcherService,
    WebhookDeliveryProcessor,
  ];
}

@Module({})
export class WorkflowModule {
  static forRoot(config: AppConfig, options: WorkflowModuleOptions = {}): DynamicModule {
    return {
      module: WorkflowModule,
      imports: [
        ServiceCoreModule.forRoot(config, {
          persistence: { migrations: WORKFLOW_MIGRATIONS, migrateOnStart: options.migrateOnStart },
          topics: options.topics,
        }),
      ],
      controllers: [WorkflowComplaintsController, EscalationsController, AlertsController, StoreCalendarsController],
      providers: [
        { provide: TIMER_QUEUE_NAME, useValue: options.timerQueueName ?? config.workflow.timerQueue },
        TimerQueueService,
        WorkflowComplaintRepository,
        AlertsRepository,
        AlertStreamService,
        SlaPolicyService,
        EscalationService,
        SlaNotifierService,
        SlaReconcilerService,
        TimerHandlers,
        ComplaintActionsService,
        ComplaintEventsConsumer,
        ...webhookProviders(config.workflow.webhooks, options.webhookQueueName ?? config.workflow.webhookQueue),
      ],
    };
  }
}
