import { createHash } from 'node:crypto';
import type { AlertView } from '../alerts/alert-view.mapper';

export const ALERT_WEBHOOKS = Symbol('ALERT_WEBHOOKS');
export const WEBHOOK_QUEUE_NAME = Symbol('WEBHOOK_QUEUE_NAME');

/** The webhook queue's only job: one alert for one receiver. */
export type AlertWebhookJobName = 'alert-webhook';
export const ALERT_WEBHOOK_JOB: AlertWebhookJobName = 'alert-webhook';

export interface AlertDelivery {
  /** The receiver, as webhookTargetId of its URL, so the URL (which may carry a token) stays out of Redis. */
  readonly target: string;
  /** The alert as it was when it entered the stream. */
  readonly alert: AlertView;
}

export type DeliveryOutcome = 'delivered' | 'skipped';

/**
 * A receiver's id, stable when the URL list is reordered or extended, so a delivery queued before a
 * restart with a new list still finds its URL (or finds it gone).
 */
export function webhookTargetId(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 16);
}

/** Deterministic, so enqueueing the same alert for the same receiver twice is one job; never contains ':'. */
export function webhookJobId(delivery: AlertDelivery): string {
  return `webhook-${delivery.alert.id}-${delivery.target}`;
}
