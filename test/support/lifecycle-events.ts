import { createEvent, type EventEnvelope, type EventType, type PayloadOf } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { mulberry32 } from '../../scripts/simulator/traffic-generator';
import { complaintReceivedPayload } from './event-factories';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const CHANNELS = ['hotline', 'email', 'instore'] as const;
const SEVERITIES = ['critical', 'high', 'normal', 'low'] as const;
const STORES = ['S001', 'S002', 'S003', 'S004', 'S005', null] as const;

/** A number in [0, 1): Math.random, or a seeded generator where a test must be reproducible. */
export type Random = () => number;

/** A seeded generator (the simulator's mulberry32), so random event streams are reproducible. */
export const seededRandom: (seed: number) => Random = mulberry32;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function event<T extends EventType>(type: T, payload: PayloadOf<T>, at: number, complaintId?: string): EventEnvelope {
  return createEvent(type, 1 as never, payload, {
    producer: 'test',
    occurredAt: new Date(at),
    ...(complaintId === undefined ? {} : { complaintId }),
  }) as EventEnvelope;
}

export interface LifecycleOptions {
  readonly random?: Random;
  /** When the complaint is received (epoch ms); its events follow within days. */
  readonly receivedAt?: number;
  /** The complainant, e.g. to give one customer several complaints. */
  readonly customerId?: string;
}

/**
 * The events one complaint gives over its life, in order: received, acknowledged (or a first-response
 * breach and an escalation), claimed, worked on, sometimes waiting for the customer, resolved (with or
 * without compensation, sometimes reopened) and closed, or left unresolved past its resolution deadline
 * and escalated to operations; then the customer's signals: purchases, sometimes a survey answer or a
 * loss. Each carries the instant it happened as `occurredAt`, so several complaints can be interleaved.
 */
export function complaintLifecycleEvents(options: LifecycleOptions = {}): EventEnvelope[] {
  const random = options.random ?? Math.random;
  const complaintId = randomUUID();
  const customerId = options.customerId ?? randomUUID();
  const storeId = pick(random, STORES);
  const channel = pick(random, CHANNELS);
  let at = options.receivedAt ?? Date.UTC(2026, 5, 1) + Math.floor(random() * 30 * 24 * HOUR);
  const later = (maxMs: number) => (at += 1 + Math.floor(random() * maxMs));
  const iso = () => new Date(at).toISOString();
  const events: EventEnvelope[] = [];
  const respondedOnReceipt = channel !== 'email';
  const received = complaintReceivedPayload({
    complaintId,
    customerId,
    channel,
    storeId,
    severity: pick(random, SEVERITIES),
    category: pick(random, ['product_quality', 'delivery', 'billing', 'staff']),
    firstResponderId: respondedOnReceipt ? 'agent-1' : null,
    receivedAt: iso(),
    firstRespondedAt: respondedOnReceipt ? iso() : null,
  });
  events.push(event('complaint.received', received, at, complaintId));
  const change = (from: string, to: string, extra: Record<string, unknown> = {}) =>
    events.push(event('complaint.state_changed', { complaintId, from, to, action: to, actorId: 'agent-1', at: iso(), ...extra } as PayloadOf<'complaint.state_changed'>, at, complaintId));
  const receivedAt = at;
  if (!respondedOnReceipt) {
    const breached = random() < 0.2;
    if (breached) {
      later(4 * HOUR);
      events.push(
        event('sla.breached', { complaintId, kind: 'first_response', cycle: 1, dueAt: iso(), storeId, severity: received.severity, ownerId: null, breachedAt: iso() }, at, complaintId),
        event('complaint.escalated', { complaintId, escalationId: randomUUID(), level: 1, audience: 'ops_duty', storeId, reason: 'first_response_breached', ownerId: null, at: iso() }, at, complaintId),
      );
    }
    later(8 * HOUR);
    change('new', 'acknowledged', {
      deadlinesMet: [{ kind: 'first_response', cycle: 1, targetMs: 4 * HOUR, businessMs: at - receivedAt, dueAt: new Date(receivedAt + 4 * HOUR).toISOString(), breached }],
    });
  }
  later(HOUR);
  events.push(event('complaint.ownership_changed', { complaintId, kind: 'claimed', fromOwnerId: null, toOwnerId: 'agent-2', actorId: 'agent-2', reason: null, at: iso() }, at, complaintId));
  change('acknowledged', 'in_progress');
  if (random() < 0.3) {
    later(4 * HOUR);
    change('in_progress', 'waiting_customer');
    later(48 * HOUR);
    change('waiting_customer', 'in_progress');
  }
  let cycle = 1;
  if (random() < 0.85) {
    for (;;) {
      later(72 * HOUR);
      const compensation = random() < 0.4 ? { type: 'refund' as const, amount: Math.round(random() * 10_000) / 100, currency: 'GBP' } : null;
      change(cycle === 1 ? 'in_progress' : 'reopened', 'resolved', {
        resolution: { summary: 'Resolved', compensation },
        deadlinesMet: [{ kind: 'resolution', cycle, targetMs: 72 * HOUR, businessMs: Math.floor(random() * 72 * HOUR), dueAt: null, breached: false }],
      });
      if (cycle > 1 || random() >= 0.1) break;
      later(7 * 24 * HOUR);
      change('resolved', 'reopened');
      cycle += 1;
    }
    later(14 * 24 * HOUR);
    change('resolved', 'closed');
  } else {
    later(72 * HOUR);
    events.push(
      event('sla.breached', { complaintId, kind: 'resolution', cycle: 1, dueAt: iso(), storeId, severity: received.severity, ownerId: 'agent-2', breachedAt: iso() }, at, complaintId),
      event('complaint.escalated', { complaintId, escalationId: randomUUID(), level: 2, audience: 'ops', storeId, reason: 'resolution_breached', ownerId: 'agent-2', at: iso() }, at, complaintId),
    );
  }
  at = receivedAt;
  const purchases = Math.floor(random() * 3);
  for (let index = 0; index < purchases; index += 1) {
    later(90 * 24 * HOUR);
    events.push(event('customer.purchased', { purchaseId: randomUUID(), customerId, storeId, amount: Math.round(random() * 20_000) / 100, currency: 'GBP', at: iso() }, at));
  }
  if (random() < 0.2) {
    later(30 * 24 * HOUR);
    const value = Math.floor(random() * 11);
    events.push(
      event(
        'survey.responded',
        { surveyId: randomUUID(), customerId, sampledAt: iso(), score: { value, min: 0, max: 10 }, dimensions: { service: { experience: value, expectation: 7, importance: 8 } } },
        at,
      ),
    );
  }
  if (random() < 0.05) {
    later(180 * 24 * HOUR);
    events.push(event('customer.churned', { customerId, at: iso() }, at));
  }
  return events;
}

/** Several complaints' events merged in the order they happened, as they would meet on the events topic. */
export function interleavedLifecycleEvents(complaints: number, options: LifecycleOptions = {}): EventEnvelope[] {
  const all = Array.from({ length: complaints }, () => complaintLifecycleEvents(options))
    .flat()
    .map((event) => ({ event, at: Date.parse(event.occurredAt) }));
  // A stable sort: events of one complaint at the same instant keep their order.
  return all.sort((a, b) => a.at - b.at).map(({ event }) => event);
}
