import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AlertWebhookConfig, type AppConfig } from '@app/config';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { connectionFor } from '../timers/timer-queue.service';
import {
  ALERT_WEBHOOKS,
  WEBHOOK_QUEUE_NAME,
  webhookJobId,
  webhookTargetId,
  type AlertDelivery,
  type AlertWebhookJobName,
  type DeliveryOutcome,
} from './webhook-jobs';
import { signWebhook } from './webhook-signature';

const CONCURRENCY = 20;

/** Receivers' client errors will not change on a retry, except a timeout and rate limiting. */
export function isPermanentFailure(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : String(error);
}

/**
 * POSTs each queued alert to its receiver, signed (see webhook-signature.ts). A 2xx is delivered;
 * anything else is retried with exponential backoff, except a client error (isPermanentFailure), which
 * fails the delivery at once. Log records name the receiver by host: a URL may carry a token.
 */
@Injectable()
export class WebhookDeliveryProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);
  private readonly urls: ReadonlyMap<string, string>;
  private worker: Worker<AlertDelivery, DeliveryOutcome, AlertWebhookJobName> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ALERT_WEBHOOKS) private readonly webhooks: AlertWebhookConfig,
    @Inject(WEBHOOK_QUEUE_NAME) private readonly queueName: string,
  ) {
    this.urls = new Map(webhooks.urls.map((url) => [webhookTargetId(url), url]));
  }

  onApplicationBootstrap(): void {
    this.worker = new Worker<AlertDelivery, DeliveryOutcome, AlertWebhookJobName>(this.queueName, (job) => this.deliver(job), {
      connection: connectionFor(this.config.redis.url, true),
      concurrency: CONCURRENCY,
    });
    this.worker.on('failed', (job, error) => {
      if (job === undefined) return;
      const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      const record = {
        delivery: job.id,
        kind: job.data.alert.kind,
        alertId: job.data.alert.id,
        receiver: this.hostOf(job.data.target),
        attempt: job.attemptsMade,
        error: error.message,
      };
      if (final) this.logger.error({ msg: 'alert webhook gave up; the job stays in the failed set', ...record });
      else this.logger.warn({ msg: 'alert webhook failed; BullMQ retries it', ...record });
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }

  private async deliver(job: Job<AlertDelivery, DeliveryOutcome, AlertWebhookJobName>): Promise<DeliveryOutcome> {
    const url = this.urls.get(job.data.target);
    if (url === undefined) {
      this.logger.warn({ msg: 'alert webhook skipped: its receiver is no longer configured', delivery: job.id });
      return 'skipped';
    }
    const body = JSON.stringify(job.data.alert);
    const timestamp = Math.floor(Date.now() / 1000);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'complaints-workflow',
          'X-Complaints-Event': job.data.alert.kind,
          'X-Complaints-Delivery': webhookJobId(job.data),
          'X-Complaints-Timestamp': String(timestamp),
          'X-Complaints-Signature': signWebhook(this.webhooks.secret, timestamp, body),
        },
        body,
        // A redirect is the receiver's configuration problem; following it would turn the POST into a GET.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.webhooks.timeoutMs),
      });
    } catch (error) {
      throw new Error(`no response: ${describeFetchError(error, this.webhooks.timeoutMs)}`);
    }
    // The answer's body is of no use; cancelling it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return 'delivered';
    const message = `the receiver answered ${response.status}`;
    if (isPermanentFailure(response.status)) throw new UnrecoverableError(message);
    throw new Error(message);
  }

  private hostOf(target: string): string {
    const url = this.urls.get(target);
    return url === undefined ? 'unconfigured' : new URL(url).host;
  }
}
