import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of outgoing webhooks: the hex HMAC-SHA256, keyed with the shared secret, of
 * "<timestamp>.<raw body>", sent as `X-Complaints-Signature: sha256=<hex>` beside
 * `X-Complaints-Timestamp: <unix seconds>`. The timestamp is signed with the body so that a receiver
 * can refuse a captured request replayed later.
 */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const TIMESTAMP = /^[0-9]{1,12}$/;
const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

function digest(secret: string, timestamp: number, body: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/** The X-Complaints-Signature value for a body sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string | Buffer): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError(`invalid webhook timestamp ${timestamp}`);
  return `sha256=${digest(secret, timestamp, body).toString('hex')}`;
}

export interface ReceivedWebhook {
  /** The raw body exactly as received, before any JSON parsing. */
  readonly body: string | Buffer;
  /** The X-Complaints-Timestamp header. */
  readonly timestamp: string | undefined;
  /** The X-Complaints-Signature header. */
  readonly signature: string | undefined;
}

export type WebhookVerification = { readonly ok: true } | { readonly ok: false; readonly reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * What a receiver does with a delivery: checks the signature in constant time and refuses a
 * timestamp further than `toleranceSeconds` from `now` either way.
 */
export function verifyWebhook(
  secret: string,
  received: ReceivedWebhook,
  now: Date,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): WebhookVerification {
  const given = received.signature === undefined ? null : SIGNATURE.exec(received.signature);
  if (received.timestamp === undefined || !TIMESTAMP.test(received.timestamp) || given === null) return { ok: false, reason: 'malformed' };
  const timestamp = Number(received.timestamp);
  if (Math.abs(Math.floor(now.getTime() / 1000) - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = digest(secret, timestamp, received.body);
  return timingSafeEqual(expected, Buffer.from(given[1]!, 'hex')) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
