import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AlertWebhookConfig, type AppConfig } from '@app/config';
import { Queue } from 'bullmq';
import type { Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import { AlertStreamService } from '../alerts/alert-stream.service';
import { toAlertView } from '../alerts/alert-view.mapper';
import { AlertsRepository, type AlertRow } from '../alerts/alerts.repository';
import { connectionFor } from '../timers/timer-queue.service';
import { CoalescingRun } from '../support/coalescing-run';
import { WebhookCursorRepository } from './webhook-cursor.repository';
import {
  ALERT_WEBHOOK_JOB,
  ALERT_WEBHOOKS,
  WEBHOOK_QUEUE_NAME,
  webhookJobId,
  webhookTargetId,
  type AlertDelivery,
  type AlertWebhookJobName,
  type DeliveryOutcome,
} from './webhook-jobs';

const PAGE = 500;
const HOUR_SECONDS = 3600;

/**
 * Follows the alert stream into the webhook queue: reads the alerts placed after the cursor, enqueues
 * one delivery per alert and URL, then advances the cursor, all in one transaction that holds the
 * schema's dispatcher lock, so one instance at a time moves the cursor. A failure between enqueueing
 * and advancing enqueues the same deliveries again on the next run; their job ids are deterministic
 * and finished jobs are kept for a day, so BullMQ keeps one of each.
 */
@Injectable()
export class WebhookDispatcherService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDispatcherService.name);
  readonly queue: Queue<AlertDelivery, DeliveryOutcome, AlertWebhookJobName>;
  private readonly targets: readonly string[];
  private subscription: Subscription | null = null;
  private readonly dispatcher = new CoalescingRun(
    async () => {
      while (!this.dispatcher.isStopped && (await this.dispatchPage()) === PAGE);
    },
    (error) => this.logger.warn({ msg: 'alert webhook dispatch failed; the cursor stays and the next wake retries it', error: String(error) }),
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly alerts: AlertsRepository,
    private readonly cursor: WebhookCursorRepository,
    private readonly stream: AlertStreamService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ALERT_WEBHOOKS) webhooks: AlertWebhookConfig,
    @Inject(WEBHOOK_QUEUE_NAME) queueName: string,
  ) {
    this.targets = webhooks.urls.map(webhookTargetId);
    this.queue = new Queue(queueName, {
      connection: connectionFor(config.redis.url, false),
      defaultJobOptions: {
        attempts: webhooks.attempts,
        backoff: { type: 'exponential', delay: webhooks.backoffMs },
        removeOnComplete: { age: 24 * HOUR_SECONDS, count: 100_000 },
        // A delivery that gave up stays a week, with its reason, for whoever looks after the receiver.
        removeOnFail: { age: 7 * 24 * HOUR_SECONDS },
      },
    });
  }

  onApplicationBootstrap(): void {
    this.subscription = this.stream.advanced.subscribe(() => this.dispatcher.wake());
    this.dispatcher.wake();
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.dispatcher.stop();
    await this.queue.close();
  }

  /** Moves one page of alerts into the queue; returns how many. */
  private async dispatchPage(): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      if (!(await this.cursor.tryLock(tx))) return 0;
      const rows = await this.alerts.after(tx, await this.cursor.position(tx), PAGE);
      const last = rows[rows.length - 1]?.stream_id;
      if (last === undefined || last === null) return 0;
      await this.queue.addBulk(rows.flatMap((row) => this.deliveriesOf(row)));
      await this.cursor.advance(tx, last);
      return rows.length;
    });
  }

  private deliveriesOf(row: AlertRow) {
    const alert = toAlertView(row);
    return this.targets.map((target) => {
      const data: AlertDelivery = { target, alert };
      return { name: ALERT_WEBHOOK_JOB, data, opts: { jobId: webhookJobId(data) } };
    });
  }
}
