import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig, type AppConfig } from '@app/config';
import { encodeEvent, eventKey, type TopicKey } from '@app/contracts';
import { DEFAULT_SLA_TARGETS } from '@app/domain';
import { KafkaProducer } from '@app/messaging';
import { dropSchema } from '@app/persistence';
import { complaintReceivedEvent } from '@app/testing/event-factories';
import { expectEventually } from '@app/testing/eventually';
import { createTestTopics, testKafka, uniqueName } from '@app/testing/infrastructure';
import { Queue } from 'bullmq';
import type { Admin, Kafka } from 'kafkajs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import type { AlertView } from '../alerts/alert-view.mapper';
import { connectionFor } from '../timers/timer-queue.service';
import { WorkflowModule } from '../workflow.module';
import { WebhookDispatcherService } from './webhook-dispatcher.service';
import { verifyWebhook } from './webhook-signature';

const SECRET = 'webhook-integration-test-secret';
const ALERT_KINDS = ['complaint.escalated', 'sla.breached', 'sla.warning'];

interface Delivery {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly alert: AlertView;
  readonly receivedAt: Date;
  readonly status: number;
}

/** Keeps what the app logs, to be read back instead of printed. */
class CapturedLogs implements LoggerService {
  readonly lines: string[] = [];
  private keep = (...parts: unknown[]) => void this.lines.push(JSON.stringify(parts));
  log = this.keep;
  error = this.keep;
  warn = this.keep;
  debug = this.keep;
  verbose = this.keep;
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Two receivers: /flaky fails the first delivery of each alert with 500 and accepts the next one;
 * /gone answers 410 to everything.
 */
function startReceiver(deliveries: Delivery[]): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const alert = JSON.parse(body.toString('utf8')) as AlertView;
      const path = request.url ?? '';
      const seenBefore = deliveries.some((delivery) => delivery.path === path && delivery.alert.id === alert.id);
      const status = path === '/gone' ? 410 : seenBefore ? 204 : 500;
      deliveries.push({ path, headers: request.headers, body, alert, receivedAt: new Date(), status });
      response.writeHead(status).end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('alert webhooks on the real stack', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: KafkaProducer;
  let receiver: Server;
  let app: INestApplication;
  let config: AppConfig;
  let topics: Record<TopicKey, string>;
  const timerQueueName = uniqueName('timers');
  const webhookQueueName = uniqueName('webhooks');
  const deliveries: Delivery[] = [];
  const logs = new CapturedLogs();

  beforeAll(async () => {
    receiver = await startReceiver(deliveries);
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    topics = await createTestTopics(admin, { channelPartitions: 1, eventPartitions: 1 });
    config = loadConfig('workflow', {
      ...process.env,
      NODE_ENV: 'test',
      DB_SCHEMA: uniqueName('webhooks').toLowerCase(),
      KAFKA_GROUP_PREFIX: uniqueName('it'),
      OUTBOX_POLL_MS: '100',
      LOG_LEVEL: 'error',
      // A first response is due a second after a normal complaint arrives: warning, breach and escalation follow.
      SLA_TARGETS_JSON: JSON.stringify({ ...DEFAULT_SLA_TARGETS, normal: { firstResponseMs: 1000, resolutionMs: 10 * 60 * 1000 } }),
      ALERT_WEBHOOK_URLS: `${base}/flaky,${base}/gone`,
      ALERT_WEBHOOK_SECRET: SECRET,
      ALERT_WEBHOOK_BACKOFF_MS: '50',
      ALERT_WEBHOOK_TIMEOUT_MS: '2000',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [WorkflowModule.forRoot(config, { topics, migrateOnStart: true, timerQueueName, webhookQueueName })],
    }).compile();
    app = moduleRef.createNestApplication({ logger: logs });
    await app.init();
    producer = new KafkaProducer(kafka);
    await producer.connect();
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await producer?.disconnect();
    for (const name of [timerQueueName, webhookQueueName]) {
      const queue = new Queue(name, { connection: connectionFor(config.redis.url, false) });
      await queue.obliterate({ force: true });
      await queue.close();
    }
    const dataSource = new DataSource({ type: 'postgres', url: config.database.url });
    await dataSource.initialize();
    await dropSchema(dataSource, config.database.schema);
    await dataSource.destroy();
    await admin.deleteTopics({ topics: Object.values(topics) });
    await admin.disconnect();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('posts every alert of a complaint, signed, to each receiver: once successfully after a retry, and not again after a client error', async () => {
    const received = complaintReceivedEvent({
      channel: 'email',
      storeId: null,
      firstResponderId: null,
      firstRespondedAt: null,
      receivedAt: new Date().toISOString(),
      severity: 'normal',
    });
    await producer.send(topics.events, [{ key: eventKey(received), value: encodeEvent(received) }]);
    const complaintId = received.payload.complaintId;
    const of = (path: string) => deliveries.filter((delivery) => delivery.path === path && delivery.alert.complaintId === complaintId);

    const accepted = await expectEventually(
      () => {
        const found = of('/flaky').filter((delivery) => delivery.status === 204);
        expect(found.map((delivery) => delivery.alert.kind).sort()).toEqual(ALERT_KINDS);
        return found;
      },
      { timeoutMs: 20_000 },
    );

    const queue = app.get(WebhookDispatcherService).queue;
    for (const { alert } of accepted) {
      // Failed once with 500, then accepted: one delivery id throughout, a fresh valid signature each time.
      const attempts = of('/flaky').filter((delivery) => delivery.alert.id === alert.id);
      expect(attempts.map((delivery) => delivery.status)).toEqual([500, 204]);
      const deliveryId = header(attempts[0]!.headers, 'x-complaints-delivery');
      expect(deliveryId).toMatch(/^webhook-[0-9]+-[0-9a-f]{16}$/);
      for (const attempt of attempts) {
        expect(header(attempt.headers, 'x-complaints-delivery')).toBe(deliveryId);
        expect(header(attempt.headers, 'x-complaints-event')).toBe(alert.kind);
        expect(header(attempt.headers, 'content-type')).toBe('application/json');
        const signed = { body: attempt.body, timestamp: header(attempt.headers, 'x-complaints-timestamp'), signature: header(attempt.headers, 'x-complaints-signature') };
        expect(verifyWebhook(SECRET, signed, attempt.receivedAt)).toEqual({ ok: true });
        expect(verifyWebhook(`${SECRET}-not`, signed, attempt.receivedAt)).toEqual({ ok: false, reason: 'mismatch' });
      }
      expect(alert).toMatchObject({ complaintId, storeId: null, severity: 'normal', status: 'open' });
      const job = await queue.getJob(deliveryId!);
      expect(await job?.getState()).toBe('completed');
      expect(job?.returnvalue).toBe('delivered');
    }

    // The client error is not retried: the job fails at its first attempt and keeps the reason.
    await expectEventually(async () => {
      const gone = of('/gone');
      expect(gone.map((delivery) => delivery.alert.kind).sort()).toEqual(ALERT_KINDS);
      for (const delivery of gone) {
        const job = await queue.getJob(header(delivery.headers, 'x-complaints-delivery')!);
        expect(await job?.getState()).toBe('failed');
        expect(job).toMatchObject({ attemptsMade: 1, failedReason: 'the receiver answered 410' });
      }
    });

    await expectEventually(() => {
      const gaveUp = logs.lines.filter((line) => line.includes('alert webhook gave up'));
      expect(gaveUp).toHaveLength(3);
      expect(gaveUp.every((line) => line.includes('the receiver answered 410'))).toBe(true);
      expect(logs.lines.filter((line) => line.includes('alert webhook failed; BullMQ retries it'))).toHaveLength(3);
    });
    expect(logs.lines.some((line) => line.includes(SECRET))).toBe(false);

    // The cursor is past these alerts, so they are never enqueued again.
    const [{ cursor, last }] = (await app.get(DataSource).query(
      `SELECT (SELECT last_stream_id FROM webhook_cursor)::text AS cursor, max(s.stream_id)::text AS last FROM alert_stream s JOIN alerts a ON a.id = s.alert_id WHERE a.complaint_id = $1`,
      [complaintId],
    )) as Array<{ cursor: string; last: string }>;
    expect(BigInt(cursor)).toBeGreaterThanOrEqual(BigInt(last));
    expect(accepted.map((delivery) => delivery.alert.streamId)).not.toContain(null);
  });
});
