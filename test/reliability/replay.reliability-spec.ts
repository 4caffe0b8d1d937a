import { bearer, opsPrincipal } from '@app/auth/testing';
import { createEvent, encodeEvent, eventKey, type EventEnvelope } from '@app/contracts';
import { KafkaProducer } from '@app/messaging';
import { complaintReceivedEvent } from '@app/testing/event-factories';
import { expectEventually } from '@app/testing/eventually';
import { recordScenario } from '@app/testing/reliability-report';
import { ServiceHarness } from '@app/testing/service-harness';
import { randomInt, randomUUID } from 'node:crypto';
import request from 'supertest';
import { analyticsCaughtUp } from './faults/outcome-check';

const COMPLAINTS = 300;
const AS_OF = '2027-09-01T00:00:00.000Z';
const QUERIES = ['sla', 'retention', 'silent-churn', 'revenue', 'peak-end', 'experience-gaps'].flatMap((endpoint) =>
  ['period=month&date=2026-06-15', 'period=week&date=2026-06-10'].map((period) => `/analytics/${endpoint}?${period}&segment=${endpoint.includes('silent') || endpoint.includes('gaps') ? 'store' : 'channel'}&asOf=${AS_OF}`),
);

const ev = (type: Parameters<typeof createEvent>[0], payload: unknown, complaintId?: string) =>
  createEvent(type, 1, payload as never, { producer: 'test', ...(complaintId === undefined ? {} : { complaintId }) }) as EventEnvelope;

const at = (day: number, hour: number) => new Date(Date.UTC(2026, 5, day, hour)).toISOString();

/** A June of complaints, lifecycles, breaches, escalations, purchases, losses and surveys. */
function june(): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  for (let index = 0; index < COMPLAINTS; index += 1) {
    const complaintId = randomUUID();
    const customerId = randomUUID();
    const day = 1 + (index % 28);
    const channel = (['hotline', 'email', 'instore'] as const)[index % 3];
    const store = `S${index % 4}`;
    const answered = channel !== 'email';
    events.push(
      complaintReceivedEvent({
        complaintId,
        customerId,
        channel,
        storeId: channel === 'email' ? null : store,
        severity: (['low', 'normal', 'high', 'critical'] as const)[index % 4],
        firstResponderId: answered ? 'agent-1' : null,
        firstRespondedAt: answered ? at(day, 9) : null,
        receivedAt: at(day, 9),
      }),
    );
    if (index % 5 === 0) {
      events.push(ev('sla.breached', { complaintId, kind: 'first_response', cycle: 1, dueAt: at(day, 10), storeId: null, severity: 'normal', ownerId: null, breachedAt: at(day, 10) }, complaintId));
      events.push(ev('complaint.escalated', { complaintId, escalationId: randomUUID(), level: 1, audience: 'ops_duty', storeId: null, reason: 'first_response_breached', ownerId: null, at: at(day, 10) }, complaintId));
    }
    events.push(ev('complaint.state_changed', { complaintId, from: 'acknowledged', to: 'in_progress', action: 'start', actorId: 'agent-1', at: at(day, 11) }, complaintId));
    if (index % 3 === 0) {
      events.push(ev('complaint.state_changed', { complaintId, from: 'in_progress', to: 'waiting_customer', action: 'wait_for_customer', actorId: 'agent-1', at: at(day, 12) }, complaintId));
      events.push(ev('complaint.state_changed', { complaintId, from: 'waiting_customer', to: 'in_progress', action: 'resume', actorId: 'agent-1', at: at(day, 15 + (index % 8)) }, complaintId));
    }
    if (index % 4 !== 3) {
      events.push(
        ev(
          'complaint.state_changed',
          {
            complaintId,
            from: 'in_progress',
            to: 'resolved',
            action: 'resolve',
            actorId: 'agent-1',
            at: at(day, 23),
            resolution: { summary: 'Done', compensation: index % 2 === 0 ? { type: 'voucher', amount: 10, currency: 'GBP' } : null },
            deadlinesMet: [{ kind: 'resolution', cycle: 1, targetMs: 86_400_000, businessMs: 3_600_000 * (1 + (index % 9)), dueAt: at(day + 1, 9), breached: false }],
          },
          complaintId,
        ),
      );
    }
    if (index % 2 === 0) events.push(ev('customer.purchased', { purchaseId: randomUUID(), customerId, storeId: store, amount: 20 + index, currency: 'GBP', at: at(day + 20, 12) }));
    if (index % 7 === 0) events.push(ev('customer.churned', { customerId, at: at(day + 3, 12) }));
    if (index % 3 === 0) {
      events.push(
        ev('survey.responded', {
          surveyId: randomUUID(),
          customerId,
          sampledAt: at(day, 20),
          dissatisfied: index % 2 === 0,
          dimensions: { price: { experience: 4 + (index % 3), expectation: 7, importance: 8 }, service: { experience: 7, expectation: 6, importance: 5 } },
        }),
      );
    }
  }
  return events;
}

/** The same events, shuffled across keys while each key's own events keep their order (as Kafka keeps them). */
function shuffledAcrossKeys(events: readonly EventEnvelope[]): EventEnvelope[] {
  const byKey = new Map<string, EventEnvelope[]>();
  for (const event of events) byKey.set(eventKey(event), [...(byKey.get(eventKey(event)) ?? []), event]);
  const queues = [...byKey.values()];
  const out: EventEnvelope[] = [];
  while (queues.length > 0) {
    const index = randomInt(0, queues.length);
    const queue = queues[index]!;
    out.push(queue.shift()!);
    if (queue.length === 0) queues.splice(index, 1);
  }
  return out;
}

describe('duplicated, reordered and replayed events give the same projections and figures', () => {
  const events = june();
  const ordered = new ServiceHarness({ services: ['analytics'], env: { HTTP_RATE_LIMIT_PER_MINUTE: '1000000' } });
  const reordered = new ServiceHarness({ services: ['analytics'], env: { HTTP_RATE_LIMIT_PER_MINUTE: '1000000' } });

  beforeAll(async () => {
    await ordered.start();
    await reordered.start();
  }, 120_000);
  afterAll(async () => {
    await ordered.stop();
    await reordered.stop();
  });

  async function publish(harness: ServiceHarness, batch: readonly EventEnvelope[]): Promise<void> {
    const producer = new KafkaProducer(harness.kafka);
    for (let index = 0; index < batch.length; index += 500) {
      await producer.send(
        harness.topics.events,
        batch.slice(index, index + 500).map((event) => ({ key: eventKey(event), value: encodeEvent(event) })),
      );
    }
    await producer.disconnect();
    await analyticsCaughtUp(harness.admin, harness.topics.events, `${harness.config('analytics').kafka.groupPrefix}.analytics.projection`);
  }

  async function figures(harness: ServiceHarness): Promise<unknown[]> {
    const auth = bearer(harness.tokens.for(opsPrincipal()));
    return Promise.all(QUERIES.map(async (query) => (await request(harness.http('analytics')).get(query).set('Authorization', auth).expect(200)).body));
  }

  async function projection(harness: ServiceHarness): Promise<unknown> {
    const schema = `"${harness.config('analytics').database.schema}_projection"`;
    const dataSource = harness.dataSource('analytics');
    return {
      complaints: await dataSource.query(`SELECT * FROM ${schema}.complaints ORDER BY complaint_id`),
      deadlines: await dataSource.query(`SELECT * FROM ${schema}.deadlines ORDER BY complaint_id, kind, cycle`),
      purchases: await dataSource.query(`SELECT * FROM ${schema}.purchases ORDER BY purchase_id`),
      churns: await dataSource.query(`SELECT * FROM ${schema}.churns ORDER BY customer_id`),
      surveys: await dataSource.query(`SELECT * FROM ${schema}.surveys ORDER BY survey_id`),
    };
  }

  it('keeps projections and figures through duplicates, reordering across keys and a replay', async () => {
    await publish(ordered, events);
    const baseline = { figures: await figures(ordered), projection: await projection(ordered) };

    // Every event delivered twice more, the copies shuffled across keys.
    await publish(ordered, shuffledAcrossKeys([...events, ...events]));
    const duplicated = { figures: await figures(ordered), projection: await projection(ordered) };

    // Another projection fed the same events in another order across keys, with duplicates among them.
    await publish(reordered, shuffledAcrossKeys([...events, ...events.filter((_, index) => index % 3 === 0)]));
    const other = { figures: await figures(reordered), projection: await projection(reordered) };

    // A replay of the topic from the beginning into a fresh projection.
    const auth = bearer(ordered.tokens.for(opsPrincipal()));
    await request(ordered.http('analytics')).post('/analytics/recompute').set('Authorization', auth).expect(202);
    await expectEventually(
      async () => expect((await request(ordered.http('analytics')).get('/analytics/recompute').set('Authorization', auth).expect(200)).body.state).toBe('done'),
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const replayed = { figures: await figures(ordered), projection: await projection(ordered) };

    const same = [duplicated, other, replayed].every((candidate) => JSON.stringify(candidate) === JSON.stringify(baseline));
    recordScenario({
      scenario: 'duplicated, reordered, replayed events',
      load: `${events.length.toLocaleString('en-GB')} events (${COMPLAINTS} complaints)`,
      faults: 'every event 3×, shuffled across keys; another order; a replay',
      messagesIn: events.length * 4 + Math.ceil(events.length / 3),
      complaintsStored: (baseline.projection as { complaints: unknown[] }).complaints.length,
      lost: 0,
      duplicated: same ? 0 : 1,
      result: same ? 'pass' : 'fail',
    });
    expect(duplicated).toEqual(baseline);
    expect(other).toEqual(baseline);
    expect(replayed).toEqual(baseline);
    expect((baseline.projection as { complaints: unknown[] }).complaints).toHaveLength(COMPLAINTS);
  });
});
