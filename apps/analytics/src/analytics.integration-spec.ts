import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { bearer, opsPrincipal, storeManagerPrincipal, TestTokens } from '@app/auth/testing';
import type { Principal } from '@app/auth';
import { loadConfig, type AppConfig } from '@app/config';
import { createEvent, encodeEvent, eventKey, type EventEnvelope, type TopicKey } from '@app/contracts';
import { KafkaProducer } from '@app/messaging';
import { dropSchema } from '@app/persistence';
import { configureApp } from '@app/platform';
import { complaintReceivedEvent } from '@app/testing/event-factories';
import { expectEventually } from '@app/testing/eventually';
import { createTestTopics, testKafka, uniqueName } from '@app/testing/infrastructure';
import type { Admin, Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AnalyticsModule } from './analytics.module';
import { ProjectionStore } from './projection/projection-store';

const AS_OF = '2027-06-01T00:00:00.000Z';
const JUNE = 'period=month&date=2026-06-15';
const JULY = 'period=month&date=2026-07-15';

describe('analytics on the real stack', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: KafkaProducer;
  let config: AppConfig;
  let tokens: TestTokens;
  let topics: Record<TopicKey, string>;
  const apps: INestApplication[] = [];
  let app: INestApplication;
  const ops = opsPrincipal();

  async function startApp(overrides: Record<string, string> = {}): Promise<INestApplication> {
    const appConfig = loadConfig('analytics', { ...process.env, ...baseEnv, ...overrides });
    const moduleRef = await Test.createTestingModule({ imports: [AnalyticsModule.forRoot(appConfig, { topics, migrateOnStart: true })] }).compile();
    const nest = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true });
    configureApp(nest, appConfig);
    const started = await nest.init();
    apps.push(started);
    return started;
  }

  const baseEnv: Record<string, string> = {
    NODE_ENV: 'test',
    DB_SCHEMA: uniqueName('analytics').toLowerCase(),
    KAFKA_GROUP_PREFIX: uniqueName('it'),
    LOG_LEVEL: 'error',
    ANALYTICS_ANNUAL_VALUE_PER_CUSTOMER: '400',
    ANALYTICS_STORE_ANNUAL_VALUES_JSON: '{"S-AN-1": 1000}',
    ANALYTICS_MONTE_CARLO_DRAWS: '5000',
  };

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    topics = await createTestTopics(admin, { channelPartitions: 1, eventPartitions: 3 });
    config = loadConfig('analytics', { ...process.env, ...baseEnv });
    tokens = new TestTokens(config);
    producer = new KafkaProducer(kafka);
    await producer.connect();
    app = await startApp();
  }, 90_000);

  afterAll(async () => {
    await app?.get(ProjectionStore).dropAll();
    for (const started of apps) await started.close();
    await producer?.disconnect();
    const dataSource = new DataSource({ type: 'postgres', url: config.database.url });
    await dataSource.initialize();
    await dropSchema(dataSource, config.database.schema);
    await dataSource.destroy();
    await admin.deleteTopics({ topics: Object.values(topics) });
    await admin.disconnect();
  });

  const http = () => request(app.getHttpServer());
  const as = (principal: Principal) => bearer(tokens.for(principal));

  async function publish(events: EventEnvelope[]): Promise<void> {
    await producer.send(
      topics.events,
      events.map((event) => ({ key: eventKey(event), value: encodeEvent(event) })),
    );
  }

  async function applied(count: number): Promise<void> {
    const live = app.get(ProjectionStore).schemas.live;
    await expectEventually(async () => {
      const [row] = (await app.get(DataSource).query(`SELECT count(*)::int AS n FROM "${live}".applied_events`)) as Array<{ n: number }>;
      expect(row?.n).toBeGreaterThanOrEqual(count);
    });
  }

  let published = 0;
  async function publishAndWait(events: EventEnvelope[]): Promise<void> {
    await publish(events);
    published += events.length;
    await applied(published);
  }

  const ev = <T extends Parameters<typeof createEvent>[0]>(type: T, payload: Parameters<typeof createEvent<T>>[2], complaintId?: string) =>
    createEvent(type, 1, payload, { producer: 'test', ...(complaintId === undefined ? {} : { complaintId }) }) as EventEnvelope;

  // Three complaints in June 2026, one of each handling class.
  const fast = { complaintId: randomUUID(), customerId: randomUUID() };
  const slow = { complaintId: randomUUID(), customerId: randomUUID() };
  const unresolved = { complaintId: randomUUID(), customerId: randomUUID() };

  function juneEvents(): EventEnvelope[] {
    return [
      // Resolved within SLA, customer buys again: resolved_fast, retained.
      complaintReceivedEvent({
        ...fast,
        channel: 'hotline',
        storeId: 'S-AN-1',
        severity: 'normal',
        firstResponderId: 'agent-1',
        receivedAt: '2026-06-01T10:00:00.000Z',
        firstRespondedAt: '2026-06-01T10:00:00.000Z',
      }),
      ev('complaint.state_changed', { complaintId: fast.complaintId, from: 'acknowledged', to: 'in_progress', action: 'start', actorId: 'agent-1', at: '2026-06-01T10:05:00.000Z' }, fast.complaintId),
      ev(
        'complaint.state_changed',
        {
          complaintId: fast.complaintId,
          from: 'in_progress',
          to: 'resolved',
          action: 'resolve',
          actorId: 'agent-1',
          at: '2026-06-01T12:00:00.000Z',
          resolution: { summary: 'Refunded', compensation: { type: 'refund', amount: 20, currency: 'GBP' } },
          deadlinesMet: [{ kind: 'resolution', cycle: 1, targetMs: 259_200_000, businessMs: 7_200_000, dueAt: '2026-06-04T10:00:00.000Z', breached: false }],
        },
        fast.complaintId,
      ),
      ev('customer.purchased', { purchaseId: randomUUID(), customerId: fast.customerId, storeId: 'S-AN-1', amount: 35, currency: 'GBP', at: '2026-06-20T12:00:00.000Z' }),
      // First response breached, escalated, then resolved: resolved_slow; the customer leaves.
      complaintReceivedEvent({
        ...slow,
        channel: 'email',
        storeId: null,
        severity: 'high',
        firstResponderId: null,
        firstRespondedAt: null,
        receivedAt: '2026-06-02T09:00:00.000Z',
      }),
      ev(
        'sla.breached',
        {
          complaintId: slow.complaintId,
          kind: 'first_response',
          cycle: 1,
          dueAt: '2026-06-02T10:00:00.000Z',
          storeId: null,
          severity: 'high',
          ownerId: null,
          breachedAt: '2026-06-02T10:00:00.200Z',
        },
        slow.complaintId,
      ),
      ev(
        'complaint.escalated',
        { complaintId: slow.complaintId, escalationId: randomUUID(), level: 1, audience: 'ops_duty', storeId: null, reason: 'first_response_breached', ownerId: null, at: '2026-06-02T10:00:00.300Z' },
        slow.complaintId,
      ),
      ev(
        'complaint.state_changed',
        {
          complaintId: slow.complaintId,
          from: 'new',
          to: 'acknowledged',
          action: 'acknowledge',
          actorId: 'agent-2',
          at: '2026-06-02T11:00:00.000Z',
          deadlinesMet: [{ kind: 'first_response', cycle: 1, targetMs: 3_600_000, businessMs: 7_200_000, dueAt: '2026-06-02T10:00:00.000Z', breached: true }],
        },
        slow.complaintId,
      ),
      ev('complaint.state_changed', { complaintId: slow.complaintId, from: 'acknowledged', to: 'waiting_customer', action: 'wait_for_customer', actorId: 'agent-2', at: '2026-06-02T12:00:00.000Z' }, slow.complaintId),
      ev('complaint.state_changed', { complaintId: slow.complaintId, from: 'waiting_customer', to: 'in_progress', action: 'resume', actorId: 'agent-2', at: '2026-06-03T14:00:00.000Z' }, slow.complaintId),
      ev(
        'complaint.state_changed',
        {
          complaintId: slow.complaintId,
          from: 'in_progress',
          to: 'resolved',
          action: 'resolve',
          actorId: 'agent-2',
          at: '2026-06-03T15:00:00.000Z',
          resolution: { summary: 'Replaced', compensation: null },
          deadlinesMet: [{ kind: 'resolution', cycle: 1, targetMs: 86_400_000, businessMs: 10_800_000, dueAt: '2026-06-04T11:00:00.000Z', breached: false }],
        },
        slow.complaintId,
      ),
      ev('customer.churned', { customerId: slow.customerId, at: '2026-06-10T00:00:00.000Z', reason: 'membership cancelled' }),
      // Critical in store S-AN-2, resolution breached, escalated to operations, never resolved.
      complaintReceivedEvent({
        ...unresolved,
        channel: 'instore',
        storeId: 'S-AN-2',
        severity: 'critical',
        firstResponderId: 'staff-1',
        receivedAt: '2026-06-05T10:00:00.000Z',
        firstRespondedAt: '2026-06-05T10:00:00.000Z',
      }),
      ev(
        'complaint.escalated',
        { complaintId: unresolved.complaintId, escalationId: randomUUID(), level: 1, audience: 'store_managers', storeId: 'S-AN-2', reason: 'critical_complaint', ownerId: 'staff-1', at: '2026-06-05T10:00:01.000Z' },
        unresolved.complaintId,
      ),
      ev(
        'sla.breached',
        {
          complaintId: unresolved.complaintId,
          kind: 'resolution',
          cycle: 1,
          dueAt: '2026-06-05T14:00:00.000Z',
          storeId: 'S-AN-2',
          severity: 'critical',
          ownerId: 'staff-1',
          breachedAt: '2026-06-05T14:00:00.100Z',
        },
        unresolved.complaintId,
      ),
      ev(
        'complaint.escalated',
        { complaintId: unresolved.complaintId, escalationId: randomUUID(), level: 2, audience: 'ops', storeId: 'S-AN-2', reason: 'resolution_breached', ownerId: 'staff-1', at: '2026-06-05T14:00:00.200Z' },
        unresolved.complaintId,
      ),
    ];
  }

  describe('events in, figures out', () => {
    beforeAll(async () => {
      const events = juneEvents();
      await publishAndWait(events);
      // Delivered again: applied once.
      await publish(events.slice(0, 5));
    });

    it('reports SLA compliance, breaches, escalations and times', async () => {
      const response = await http().get(`/analytics/sla?${JUNE}&asOf=${AS_OF}`).set('Authorization', as(ops)).expect(200);
      expect(response.body.period).toEqual({ kind: 'month', from: '2026-06-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' });
      const [all] = response.body.items;
      expect(all.segment).toEqual({ kind: 'all', value: 'all' });
      expect(all.complaints.value).toBe(3);
      expect(all.firstResponse.compliance).toMatchObject({ value: 2 / 3, basis: 'estimate', n: 3 });
      expect(all.firstResponse.compliance.interval[0]).toBeLessThan(2 / 3);
      expect(all.firstResponse.breaches.value).toBe(1);
      expect(all.resolution.compliance).toMatchObject({ value: 2 / 3, n: 3 });
      expect(all.breaches.value).toBe(2);
      expect(all.escalations.escalated.value).toBe(2);
      expect(all.escalations.toOperations.value).toBe(1);
      // First response: 0 (hotline), 2 h (email), 0 (in store) → median 0; business 0, 2 h, 0.
      expect(all.firstResponse.wallTimeMs.median.value).toBe(0);
      expect(all.firstResponse.businessTimeMs.p90.value).toBeCloseTo(0.8 * 7_200_000, 0);
      // Resolution: 2 h and 30 h of wall time; 2 h and 3 h of business time.
      expect(all.resolution.wallTimeMs.median.value).toBe((7_200_000 + 108_000_000) / 2);
      expect(all.resolution.businessTimeMs.median.value).toBe((7_200_000 + 10_800_000) / 2);
      expect(all.handlingClasses).toMatchObject({ resolved_fast: { value: 1 }, resolved_slow: { value: 1 }, unresolved: { value: 1 }, open: { value: 0 } });

      const byChannel = await http().get(`/analytics/sla?${JUNE}&segment=channel&asOf=${AS_OF}`).set('Authorization', as(ops)).expect(200);
      expect((byChannel.body.items as Array<{ segment: { value: string } }>).map((item) => item.segment.value)).toEqual(['email', 'hotline', 'instore']);
    });

    it('estimates retention per handling class from the scenario prior and the repurchases', async () => {
      const response = await http().get(`/analytics/retention?${JUNE}&asOf=${AS_OF}`).set('Authorization', as(ops)).expect(200);
      const { classes } = response.body.items[0];
      // Beta–Binomial with n0 = 10: (prior·10 + retained) / (10 + n).
      expect(classes.resolved_fast.retention).toMatchObject({ basis: 'estimate', n: 1, prior: 0.95 });
      expect(classes.resolved_fast.retention.value).toBeCloseTo(10.5 / 11, 10);
      expect(classes.resolved_slow.retention.value).toBeCloseTo(7.2 / 11, 10);
      expect(classes.unresolved.retention.value).toBeCloseTo(3.8 / 11, 10);
      expect(classes.resolved_fast.retention.dataWeight).toBeCloseTo(1 / 11, 10);
      // The churned customer is lost at day 8; read at 30 days the slow class has lost everyone.
      expect(classes.resolved_slow.survival[0]).toMatchObject({ days: 30, retained: { value: 0 } });
      expect(classes.resolved_fast.survival[2]).toMatchObject({ days: 180, retained: { value: 1 } });
    });

    it('reports revenue lost and at risk with the per-store customer value', async () => {
      const response = await http().get(`/analytics/revenue?${JUNE}&segment=store&asOf=${AS_OF}`).set('Authorization', as(ops)).expect(200);
      const store1 = (response.body.items as Array<{ segment: { value: string }; annualValuePerCustomer: number; complainants: { lostRevenue: { value: number } } }>).find(
        (item) => item.segment.value === 'S-AN-1',
      );
      expect(store1?.annualValuePerCustomer).toBe(1000);
      expect(store1?.complainants.lostRevenue.value).toBeCloseTo((1 - 10.5 / 11) * 1000, 6);
      const peakEnd = await http().get(`/analytics/peak-end?${JUNE}&asOf=${AS_OF}`).set('Authorization', as(ops)).expect(200);
      expect(peakEnd.body.items[0]).toMatchObject({ scale: { min: 0, max: 10 }, score: { n: 3, basis: 'estimate' } });
    });

    it('shows a store manager the figures of their stores only', async () => {
      const manager = storeManagerPrincipal({ storeIds: ['S-AN-1'] });
      const response = await http().get(`/analytics/sla?${JUNE}&asOf=${AS_OF}`).set('Authorization', as(manager)).expect(200);
      expect(response.body.segment).toBe('store');
      expect((response.body.items as Array<{ segment: { value: string } }>).map((item) => item.segment.value)).toEqual(['S-AN-1']);
      expect(response.body.items[0].complaints.value).toBe(1);
      expect(JSON.stringify(response.body)).not.toContain('S-AN-2');
      const forbidden = await http().get(`/analytics/sla?${JUNE}&segment=all`).set('Authorization', as(manager)).expect(403);
      expect(forbidden.body.reason).toBe('store_forbidden');
      await http().get(`/analytics/retention?${JUNE}&segment=channel`).set('Authorization', as(manager)).expect(403);
      await http().post('/analytics/recompute').set('Authorization', as(manager)).expect(403);
      await http().post('/analytics/what-if').set('Authorization', as(manager)).send({}).expect(403);
      await http().get('/analytics/sla').expect(401);
      await http().get('/analytics/sla?period=year').set('Authorization', as(ops)).expect(400);
    });
  });

  describe('silent churn', () => {
    /** Survey answers in July: `dissatisfied` of `respondents`, of whom `withComplaint` complained earlier in July. */
    async function surveyWave(respondents: number, dissatisfied: number, withComplaint: number): Promise<void> {
      const events: EventEnvelope[] = [];
      for (let index = 0; index < respondents; index += 1) {
        const customerId = randomUUID();
        if (index < withComplaint) {
          events.push(complaintReceivedEvent({ customerId, channel: 'email', storeId: null, firstResponderId: null, firstRespondedAt: null, receivedAt: '2026-07-01T10:00:00.000Z' }));
        }
        events.push(
          ev('survey.responded', {
            surveyId: randomUUID(),
            customerId,
            sampledAt: '2026-07-10T10:00:00.000Z',
            ...(index % 2 === 0 ? { dissatisfied: index < dissatisfied } : { score: { value: index < dissatisfied ? 1 : 5, min: 1, max: 5 } }),
            ...(index < 10 ? { dimensions: { price: { experience: 4, expectation: 7, importance: 9 }, service: { experience: 8, expectation: 7, importance: 5 } } } : {}),
          }),
        );
      }
      await publishAndWait(events);
    }

    it('moves the complaint share off its prior as surveys come in, and narrows its interval', async () => {
      const before = await http().get(`/analytics/silent-churn?${JULY}&asOf=${AS_OF}`).set('Authorization', as(ops)).expect(200);
      expect(before.body.items[0].complainShare).toMatchObject({ value: 0.02, basis: 'assumption' });
      expect(before.body.items[0].dataQuality.flags).toContain('no_surveys');

      // 40 answers: 20 dissatisfied (half by flag, half by a score of 1 of 5), 4 of whom complained.
      await surveyWave(40, 20, 4);
      const small = await http().get(`/analytics/silent-churn?${JULY}&asOf=${AS_OF}`).set('Authorization', as(ops)).expect(200);
      const first = small.body.items[0];
      expect(first.respondents.value).toBe(40);
      expect(first.dissatisfied.value).toBe(20);
      expect(first.complainShare.basis).toBe('estimate');
      expect(first.dataQuality.flags).toContain('small_survey');
      expect(first.capture.method).toBe('chapman');
      const widthOf = (figure: { interval: [number, number] }) => figure.interval[1] - figure.interval[0];

      await surveyWave(400, 200, 40);
      const large = await http().get(`/analytics/silent-churn?${JULY}&asOf=${AS_OF}`).set('Authorization', as(ops)).expect(200);
      const second = large.body.items[0];
      expect(second.respondents.value).toBe(440);
      expect(widthOf(second.complainShare)).toBeLessThan(widthOf(first.complainShare));
      expect(second.complainShare.value).toBeGreaterThan(0.1);
      expect(Math.abs(second.complainShare.value - 0.02)).toBeGreaterThan(0.05);

      const again = await http().get(`/analytics/silent-churn?${JULY}&asOf=${AS_OF}`).set('Authorization', as(ops)).expect(200);
      expect(again.body).toEqual(large.body);

      const gaps = await http().get(`/analytics/experience-gaps?${JULY}&asOf=${AS_OF}`).set('Authorization', as(ops)).expect(200);
      expect(gaps.body.items[0].keyExperience).toBe('price');
      await http().get(`/analytics/silent-churn?${JULY}&segment=channel`).set('Authorization', as(ops)).expect(400);
    });
  });

  describe('what-if', () => {
    it('reproduces the source documents reasoning, with defaults for what is omitted', async () => {
      const response = await http().post('/analytics/what-if').set('Authorization', as(ops)).send({ annualRevenue: 1_000_000, negativeExperienceShare: 0.25 }).expect(200);
      expect(response.body.basis).toBe('assumption');
      expect(response.body.defaulted).toEqual(expect.arrayContaining(['complaintRate', 'complainantOutcomes', 'silentOutcomes']));
      const { result } = response.body;
      expect(result.complainants.lostRevenue).toBeCloseTo(1400, 6);
      expect(result.complainants.atRiskRevenue).toBeCloseTo(1700, 6);
      expect(result.silent.lostRevenue).toBeCloseTo(110_250, 6);
      expect(result.silent.atRiskRevenue).toBeCloseTo(134_750, 6);
      expect(result.totalLostRevenue).toBeCloseTo(111_650, 6);
      expect(result.lostShareOfRevenue).toBeCloseTo(0.11165, 10);
      expect(result.wordOfMouth.breakEvenSatisfaction).toBeCloseTo(11 / 14, 12);
    });

    it('refuses figures that do not add up, naming them', async () => {
      const split = await http()
        .post('/analytics/what-if')
        .set('Authorization', as(ops))
        .send({ complainantOutcomes: { retained: 0.5, atRisk: 0.3, lost: 0.3 } })
        .expect(400);
      expect(split.body.reason).toBe('invalid_figures');
      expect(split.body.message).toMatch(/complainantOutcomes/);
      const share = await http().post('/analytics/what-if').set('Authorization', as(ops)).send({ complaintRate: 1.5, annualRevenue: -1 }).expect(400);
      expect(share.body.message).toMatch(/complaintRate/);
      expect(share.body.message).toMatch(/annualRevenue/);
      await http().post('/analytics/what-if').set('Authorization', as(ops)).send({ complaintRate: 'lots' }).expect(400);
    });

    it('ranks experience gaps from given scores', async () => {
      const response = await http()
        .post('/analytics/experience-gaps/what-if')
        .set('Authorization', as(ops))
        .send([
          { dimension: 'product', experience: 8, expectation: 7, importance: 9 },
          { dimension: 'convenience', experience: 3, expectation: 8, importance: 6 },
          { dimension: 'price', experience: 5, expectation: 6, importance: 10 },
        ])
        .expect(200);
      expect(response.body.keyExperience).toBe('convenience');
      expect(response.body.gaps.map((gap: { dimension: string }) => gap.dimension)).toEqual(['convenience', 'price', 'product']);
      expect(response.body.gaps[0]).toMatchObject({ gap: -5, weightedGap: -30 });
      await http().post('/analytics/experience-gaps/what-if').set('Authorization', as(ops)).send([{ dimension: 'weather', experience: 1, expectation: 1, importance: 1 }]).expect(400);
    });
  });

  describe('recompute', () => {
    const endpoints = ['sla', 'retention', 'silent-churn', 'revenue', 'peak-end', 'experience-gaps'];
    const figures = async () =>
      Promise.all(
        [JUNE, JULY].flatMap((period) =>
          endpoints.map(async (endpoint) => (await http().get(`/analytics/${endpoint}?${period}&segment=store&asOf=${AS_OF}`).set('Authorization', as(ops)).expect(200)).body),
        ),
      );

    it('replays the events into a shadow projection and swaps it in: the same events give exactly the live figures', async () => {
      const live = await figures();
      const started = await http().post('/analytics/recompute').set('Authorization', as(ops)).expect(202);
      const progress = await expectEventually(
        async () => {
          const status = await http().get('/analytics/recompute').set('Authorization', as(ops)).expect(200);
          expect(status.body).toMatchObject({ id: started.body.id, state: 'done' });
          return status.body;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      expect(progress.eventsDone).toBeGreaterThanOrEqual(published);
      expect(progress.eventsTotal).toBe(progress.eventsDone);
      expect(progress.eventsPerSecond).toBeGreaterThan(0);
      expect(await figures()).toEqual(live);
      // Replayed into unlogged tables, the projection swapped in is durable: every table is logged again.
      const persistence = (await app.get(DataSource).query(
        `SELECT c.relname, c.relpersistence FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'i') ORDER BY c.relname`,
        [app.get(ProjectionStore).schemas.live],
      )) as Array<{ relname: string; relpersistence: string }>;
      expect(persistence.length).toBeGreaterThan(7);
      expect(persistence.filter((relation) => relation.relpersistence !== 'p')).toEqual([]);
    }, 90_000);

    it('gives other figures when a parameter changes', async () => {
      const other = await startApp({ ANALYTICS_SCENARIO_JSON: JSON.stringify({ classRetention: { resolved_fast: 0.5 } }) });
      const response = await request(other.getHttpServer()).get(`/analytics/retention?${JUNE}&asOf=${AS_OF}`).set('Authorization', as(ops)).expect(200);
      expect(response.body.items[0].classes.resolved_fast.retention.value).toBeCloseTo(6 / 11, 10);
    });
  });
});
