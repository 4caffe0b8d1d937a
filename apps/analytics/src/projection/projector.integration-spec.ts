import { createEvent, type AnyEvent, type EventEnvelope } from '@app/contracts';
import { complaintReceivedEvent } from '@app/testing/event-factories';
import { createTestDatabase } from '@app/testing/infrastructure';
import { complaintLifecycleEvents, seededRandom } from '@app/testing/lifecycle-events';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { projectionDdl } from './projection-schema';
import { Projector } from './projector';

const TABLES: ReadonlyArray<[table: string, order: string]> = [
  ['applied_events', 'event_id'],
  ['complaints', 'complaint_id'],
  ['deadlines', 'complaint_id, kind, cycle'],
  ['purchases', 'purchase_id'],
  ['churns', 'customer_id'],
  ['surveys', 'survey_id'],
];

/**
 * Lifecycles of complaints by a few shared customers, interleaved by time, with what a topic also holds:
 * redeliveries of the same event, events before the complaint's receipt, the same deadline announced
 * twice, one survey under two event ids, and a customer's losses out of order.
 */
function awkwardStream(): AnyEvent[] {
  const random = seededRandom(20261130);
  const customers = Array.from({ length: 4 }, () => randomUUID());
  const lifecycles = Array.from({ length: 30 }, (_, index) =>
    complaintLifecycleEvents({ random, customerId: customers[index % customers.length], receivedAt: Date.UTC(2026, 5, 1) + Math.floor(random() * 5 * 86_400_000) }),
  );
  const events = lifecycles.flat().sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));

  const late = randomUUID();
  const change = (payload: Record<string, unknown>) =>
    createEvent('complaint.state_changed', 1, { complaintId: late, actorId: 'agent-9', action: 'x', ...payload } as never, { producer: 'test', complaintId: late }) as EventEnvelope;
  const surveyId = randomUUID();
  const survey = (dissatisfied: boolean) => createEvent('survey.responded', 1, { surveyId, customerId: customers[0] as string, sampledAt: '2026-06-03T00:00:00.000Z', dissatisfied }, { producer: 'test' });
  const churn = (at: string) => createEvent('customer.churned', 1, { customerId: customers[1] as string, at }, { producer: 'test' });
  const extra: EventEnvelope[] = [
    // Acknowledged before it is received, then waits twice, and resumes with an instant older than its state.
    change({ from: 'new', to: 'acknowledged', at: '2026-06-02T10:00:00.000Z', deadlinesMet: [
      { kind: 'first_response', cycle: 1, targetMs: 3_600_000, businessMs: 100, dueAt: null, breached: false },
      { kind: 'first_response', cycle: 1, targetMs: 7_200_000, businessMs: 200, dueAt: '2026-06-02T11:00:00.000Z', breached: true },
    ] }),
    complaintReceivedEvent({ complaintId: late, firstRespondedAt: null, receivedAt: '2026-06-02T09:00:00.000Z' }),
    change({ from: 'acknowledged', to: 'waiting_customer', at: '2026-06-02T12:00:00.000Z' }),
    change({ from: 'waiting_customer', to: 'in_progress', at: '2026-06-03T12:00:00.123Z' }),
    change({ from: 'in_progress', to: 'waiting_customer', at: '2026-06-04T12:00:00.000Z' }),
    change({ from: 'waiting_customer', to: 'in_progress', at: '2026-06-04T11:00:00.000Z' }),
    survey(true),
    survey(false),
    churn('2026-07-02T00:00:00.000Z'),
    churn('2026-07-01T00:00:00.000Z'),
  ];
  extra.forEach((event, index) => events.splice(Math.floor((index + 1) * (events.length / (extra.length + 1))), 0, event));
  // Redeliveries: some right after the original, some much later.
  for (let index = 0; index < 15; index += 1) {
    const original = events[Math.floor(random() * events.length)] as EventEnvelope;
    events.splice(Math.floor(random() * events.length), 0, original);
  }
  return events as AnyEvent[];
}

describe('Projector: a batch gives exactly what its events give one at a time', () => {
  let database: { dataSource: DataSource; schema: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  let schemas: { single: string; batched: string; whole: string };

  beforeAll(async () => {
    database = await createTestDatabase([]);
    dataSource = database.dataSource;
    schemas = { single: `${database.schema}_single`, batched: `${database.schema}_batched`, whole: `${database.schema}_whole` };
    for (const schema of Object.values(schemas)) for (const statement of projectionDdl(schema)) await dataSource.query(statement);
  });

  afterAll(async () => {
    for (const schema of Object.values(schemas ?? {})) await dataSource?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await database?.drop();
  });

  const contents = async (schema: string) => {
    const result: Record<string, unknown[]> = {};
    for (const [table, order] of TABLES) result[table] = (await dataSource.query(`SELECT * FROM "${schema}"."${table}" ORDER BY ${order}`)) as unknown[];
    return result;
  };

  it('in uneven batches and in one, each event applied once, and nothing again on redelivery', async () => {
    const events = awkwardStream();
    const distinct = new Set(events.map((event) => event.id)).size;
    expect(distinct).toBeLessThan(events.length);

    const single = new Projector(schemas.single);
    let appliedOneByOne = 0;
    for (const event of events) if (await dataSource.transaction((manager) => single.apply(manager, event))) appliedOneByOne += 1;

    const batched = new Projector(schemas.batched);
    const random = seededRandom(7);
    let appliedInBatches = 0;
    for (let start = 0; start < events.length; ) {
      const size = 1 + Math.floor(random() * 40);
      const batch = events.slice(start, start + size);
      appliedInBatches += await dataSource.transaction((manager) => batched.applyAll(manager, batch));
      start += size;
    }

    const whole = new Projector(schemas.whole);
    const appliedAtOnce = await dataSource.transaction((manager) => whole.applyAll(manager, events));
    const again = await dataSource.transaction((manager) => whole.applyAll(manager, events));

    expect([appliedOneByOne, appliedInBatches, appliedAtOnce, again]).toEqual([distinct, distinct, distinct, 0]);
    const expected = await contents(schemas.single);
    expect((expected['complaints'] ?? []).length).toBe(31);
    expect(await contents(schemas.batched)).toEqual(expected);
    expect(await contents(schemas.whole)).toEqual(expected);
  });
});
