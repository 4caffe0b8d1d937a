import { bearer, opsPrincipal } from '@app/auth/testing';
import type { TestTokens } from '@app/auth/testing';
import type { ServiceName } from '@app/config';
import type { TopicKey } from '@app/contracts';
import { KafkaProducer, OutboxRelayService } from '@app/messaging';
import { expectEventually } from '@app/testing/eventually';
import { kafkaControl } from '@app/testing/infrastructure';
import { ProcessDeployment } from '@app/testing/process-deployment';
import { recordScenario } from '@app/testing/reliability-report';
import { ServiceHarness } from '@app/testing/service-harness';
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import request from 'supertest';
import { MixedTraffic, type TrafficResult } from './faults/mixed-traffic';
import { analyticsCaughtUp, settleAndCount, type Outcome, type Schemas } from './faults/outcome-check';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';

/** Complaints per scenario; RELIABILITY_LOAD lowers it for a quick local run. */
const LOAD = Number(process.env['RELIABILITY_LOAD'] ?? 5000);
const RATE = Number(process.env['RELIABILITY_RATE'] ?? 250);

/** The load comes from one agent's client: far more requests than one person's rate limit allows. */
const LOAD_ENV = { HTTP_RATE_LIMIT_PER_MINUTE: '1000000' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a scenario needs of the services under test, in this process or as processes. */
interface Deployment {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly topics: Record<TopicKey, string>;
  readonly tokens: TestTokens;
  readonly dataSource: DataSource;
  readonly schemas: Schemas;
  readonly analyticsGroup: string;
  /** A supertest target for a service: an in-process server or a URL. */
  target(service: ServiceName): Parameters<typeof request>[0];
  stop(): Promise<void>;
}

function inProcess(harness: ServiceHarness): Deployment {
  return {
    kafka: harness.kafka,
    admin: harness.admin,
    topics: harness.topics,
    tokens: harness.tokens,
    get dataSource() {
      return harness.dataSource('intake');
    },
    schemas: harness.schemas(),
    analyticsGroup: `${harness.config('analytics').kafka.groupPrefix}.analytics.projection`,
    target: (service) => harness.http(service),
    stop: () => harness.stop(),
  };
}

function asProcesses(deployment: ProcessDeployment): Deployment {
  return {
    kafka: deployment.kafka,
    admin: deployment.admin,
    topics: deployment.topics,
    tokens: deployment.tokens,
    dataSource: deployment.dataSource,
    schemas: { intake: deployment.schema('intake'), workflow: deployment.schema('workflow'), analytics: deployment.schema('analytics') },
    analyticsGroup: `${deployment.env['KAFKA_GROUP_PREFIX']}.analytics.projection`,
    target: (service) => deployment.url(service),
    stop: () => deployment.stop(),
  };
}

interface Scenario<D> {
  readonly name: string;
  readonly faults: string;
  readonly env?: Record<string, string>;
  /** Runs while the traffic flows; `sent()` tells how far it has got. */
  readonly inject: (services: D, sent: () => number) => Promise<void>;
  /** Extra checks after everything settled; returns problems in words. */
  readonly verify?: (services: D) => Promise<string[]>;
}

async function whenSent(sent: () => number, share: number): Promise<void> {
  while (sent() < LOAD * share) await sleep(50);
}

/** Analytics' figures now equal those of a recompute from scratch. */
async function analyticsEqualsRecompute(harness: Deployment): Promise<string[]> {
  await analyticsCaughtUp(harness.admin, harness.topics.events, harness.analyticsGroup);
  const auth = bearer(harness.tokens.for(opsPrincipal()));
  const server = harness.target('analytics');
  const figures = async () =>
    Promise.all(
      ['sla', 'retention', 'peak-end'].map(async (endpoint) => (await request(server).get(`/analytics/${endpoint}?period=month&segment=channel&asOf=2030-01-01T00:00:00.000Z`).set('Authorization', auth).expect(200)).body),
    );
  const live = await figures();
  await request(server).post('/analytics/recompute').set('Authorization', auth).expect(202);
  await expectEventually(
    async () => {
      const status = await request(server).get('/analytics/recompute').set('Authorization', auth).expect(200);
      expect(status.body.state).toBe('done');
    },
    { timeoutMs: 180_000, intervalMs: 500 },
  );
  const recomputed = await figures();
  return JSON.stringify(recomputed) === JSON.stringify(live) ? [] : ['analytics figures differ from a recompute from scratch'];
}

async function runScenario<D>(scenario: Scenario<D>, start: () => Promise<[D, Deployment]>): Promise<void> {
  const [services, harness] = await start();
  const producer = new KafkaProducer(harness.kafka);
  let traffic: TrafficResult | null = null;
  let outcome: Outcome = { stored: 0, lost: LOAD, duplicated: 0, problems: ['not run'] };
  try {
    await producer.connect();
    let sent = 0;
    const generator = new MixedTraffic(producer, harness.topics, harness.tokens, async (body, headers) => {
      const response = await request(harness.target('intake')).post('/complaints').set(headers).send(body as object);
      return response.status;
    });
    const flowing = generator.run(LOAD, RATE, (count) => (sent = count));
    await scenario.inject(services, () => sent);
    const started = Date.now();
    traffic = await flowing;
    const sentAt = Date.now();
    outcome = await settleAndCount(harness.dataSource, harness.schemas, LOAD);
    const settledAt = Date.now();
    const verified = scenario.verify === undefined ? [] : await scenario.verify(services);
    const verifiedAt = Date.now();
    const extra = [...verified, ...(await analyticsEqualsRecompute(harness))];
    process.stdout.write(
      `${scenario.name}: sent in ${sentAt - started} ms, settled ${settledAt - sentAt} ms later, checks ${verifiedAt - settledAt} ms, recompute check ${Date.now() - verifiedAt} ms\n`,
    );
    outcome = { ...outcome, problems: [...outcome.problems, ...extra] };
  } finally {
    recordScenario({
      scenario: scenario.name,
      load: `${LOAD.toLocaleString('en-GB')} complaints (hotline, email, in-store, API)`,
      faults: scenario.faults,
      messagesIn: traffic?.sent ?? 0,
      complaintsStored: outcome.stored,
      lost: outcome.lost,
      duplicated: outcome.duplicated,
      result: outcome.problems.length === 0 ? 'pass' : 'fail',
    });
    await producer.disconnect().catch(() => undefined);
    await harness.stop().catch(() => undefined);
  }
  expect(outcome.problems).toEqual([]);
  expect(outcome).toMatchObject({ stored: LOAD, lost: 0, duplicated: 0 });
}

/** A scenario on the three services in this process. */
function inHarness(scenario: Scenario<ServiceHarness>): Promise<void> {
  return runScenario(scenario, async () => {
    const harness = await new ServiceHarness({ env: { ...LOAD_ENV, ...scenario.env } }).start();
    return [harness, inProcess(harness)];
  });
}

describe('faults survived: every complaint stored once, every effect applied once', () => {
  it('the consumer group scales from one intake instance to two and back during ingest', async () => {
    await inHarness({
      name: 'scale out and back',
      faults: 'second intake instance joins at 25%, leaves at 70%',
      inject: async (harness, sent) => {
        await whenSent(sent, 0.25);
        const second = await harness.startInstance('intake');
        await whenSent(sent, 0.7);
        await second.close();
      },
    });
  });

  it('the outbox relay dies between publishing and deleting the rows sent', async () => {
    await inHarness({
      name: 'outbox relay killed after publish',
      faults: 'intake and workflow relays crash after Kafka acked, before deleting; restarted',
      inject: async (harness, sent) => {
        for (const [service, share] of [
          ['intake', 0.3],
          ['workflow', 0.6],
        ] as const) {
          await whenSent(sent, share);
          const relay = harness.app(service).get(OutboxRelayService).relay;
          let crashed = false;
          relay.afterPublish = async () => {
            crashed = true;
            throw new Error('crash between publish and delete');
          };
          await expectEventually(() => expect(crashed).toBe(true), { timeoutMs: 30_000 });
          await harness.stopService(service);
          await harness.startService(service);
        }
      },
    });
  });

  it('each service process is killed (SIGKILL) mid-batch and restarted', async () => {
    await runScenario<ProcessDeployment>(
      {
        name: 'service processes SIGKILLed',
        faults: 'intake at 25%, workflow at 50%, analytics at 75%: SIGKILL, restart',
        inject: async (deployment, sent) => {
          for (const [service, share] of [
            ['intake', 0.25],
            ['workflow', 0.5],
            ['analytics', 0.75],
          ] as const) {
            await whenSent(sent, share);
            await deployment.kill(service);
            await deployment.startService(service);
          }
        },
      },
      async () => {
        const deployment = await new ProcessDeployment(LOAD_ENV).start();
        return [deployment, asProcesses(deployment)];
      },
    );
  });

  it('PostgreSQL restarts mid-ingest', async () => {
    await inHarness({
      name: 'PostgreSQL restart',
      faults: 'pg_ctlcluster restart at 40%',
      inject: async (_harness, sent) => {
        await whenSent(sent, 0.4);
        execFileSync('pg_ctlcluster', ['15', 'main', 'restart'], { stdio: 'inherit' });
      },
    });
  });

  it('the Kafka broker is killed (SIGKILL) mid-ingest and restarted', async () => {
    await inHarness({
      name: 'Kafka broker SIGKILL',
      faults: 'broker SIGKILL at 40%, restarted 3 s later',
      inject: async (_harness, sent) => {
        await whenSent(sent, 0.4);
        kafkaControl('kill');
        await sleep(3000);
        kafkaControl('start');
      },
    });
  });

  it('the Kafka broker is frozen (SIGSTOP) longer than the consumer session timeout', async () => {
    await inHarness({
      name: 'Kafka broker SIGSTOP',
      faults: 'broker frozen 10 s (session timeout 6 s) at 40%',
      env: { KAFKA_SESSION_TIMEOUT_MS: '6000' },
      inject: async (_harness, sent) => {
        await whenSent(sent, 0.4);
        kafkaControl('freeze');
        await sleep(10_000);
        kafkaControl('thaw');
      },
    });
  });

  describe('Redis loses the timers with deadlines pending', () => {
    // First responses fall due 30 s after receipt: the unowned email complaints (a quarter of the
    // traffic, over 1,000) all breach while the test watches; hotline, in-store and API ones are answered.
    const targets = JSON.stringify(
      Object.fromEntries(['critical', 'high', 'normal', 'low'].map((severity) => [severity, { firstResponseMs: 30_000, resolutionMs: 86_400_000 }])),
    );
    const env = { SLA_TARGETS_JSON: targets, WORKFLOW_RECONCILE_INTERVAL_MS: '2000' };

    async function everyDueBreachOnce(harness: ServiceHarness): Promise<string[]> {
      const workflow = harness.dataSource('workflow');
      const w = `"${harness.schemas().workflow}"`;
      const pending = async () =>
        Number(
          ((await workflow.query(`SELECT count(*) AS n FROM ${w}.sla_deadlines WHERE kind = 'first_response' AND met_at IS NULL AND breached_at IS NULL`)) as Array<{ n: string }>)[0]?.n,
        );
      const emails = Number(((await workflow.query(`SELECT count(*) AS n FROM ${w}.complaints WHERE channel = 'email'`)) as Array<{ n: string }>)[0]?.n);
      await expectEventually(async () => expect(await pending()).toBe(0), { timeoutMs: 180_000, intervalMs: 1000 });
      const problems: string[] = [];
      if (emails < 1000) problems.push(`only ${emails} deadlines were pending (fewer than 1,000)`);
      const [breaches] = (await workflow.query(
        `SELECT count(*) AS deadlines, (SELECT count(*) FROM ${w}.alerts WHERE kind = 'sla.breached') AS alerts,
                (SELECT count(DISTINCT dedup_key) FROM ${w}.alerts WHERE kind = 'sla.breached') AS distinct_alerts
         FROM ${w}.sla_deadlines WHERE kind = 'first_response' AND breached_at IS NOT NULL`,
      )) as Array<{ deadlines: string; alerts: string; distinct_alerts: string }>;
      if (Number(breaches?.deadlines) !== emails) problems.push(`${breaches?.deadlines} first-response breaches for ${emails} unanswered complaints`);
      if (Number(breaches?.alerts) !== Number(breaches?.deadlines)) problems.push(`${breaches?.alerts} breach alerts for ${breaches?.deadlines} breaches`);
      // Each sla.breached event is written with its history entry, in one transaction.
      const announced = (await workflow.query(
        `SELECT count(*) AS n, count(DISTINCT complaint_id) AS complaints FROM ${w}.complaint_history
         WHERE kind = 'sla.breached' AND detail->>'kind' = 'first_response'`,
      )) as Array<{ n: string; complaints: string }>;
      if (Number(announced[0]?.n) !== Number(announced[0]?.complaints)) problems.push(`${announced[0]?.n} sla.breached events for ${announced[0]?.complaints} complaints`);
      return problems;
    }

    it('Redis restarts without persistence', async () => {
      await inHarness({
        name: 'Redis restart (no persistence)',
        faults: 'redis shutdown nosave + start, >1,000 deadlines pending',
        env,
        inject: async (_harness, sent) => {
          await whenSent(sent, 1);
          execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'shutdown', 'nosave']);
          execFileSync('redis-server', ['--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no', '--daemonize', 'yes']);
          await expectEventually(() => expect(execFileSync('redis-cli', ['ping']).toString().trim()).toBe('PONG'));
        },
        verify: everyDueBreachOnce,
      });
    });

    it('Redis is flushed', async () => {
      await inHarness({
        name: 'Redis FLUSHALL',
        faults: 'FLUSHALL with >1,000 deadlines pending',
        env,
        inject: async (_harness, sent) => {
          await whenSent(sent, 1);
          const redis = new Redis('redis://127.0.0.1:6379');
          await redis.flushall();
          await redis.quit();
        },
        verify: everyDueBreachOnce,
      });
    });
  });
});
