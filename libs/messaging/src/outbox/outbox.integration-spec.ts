import { decodeEvent } from '@app/contracts';
import { expectEventually } from '@app/testing/eventually';
import { complaintReceivedEvent } from '@app/testing/event-factories';
import { createTestDatabase, createTestTopic, kafkaControl, readMessages, testKafka } from '@app/testing/infrastructure';
import { createDataSource } from '@app/persistence';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { createKafkaClient } from '../kafka-client.factory';
import { CreateMessagingTables1763900000000 } from '../migrations/1763900000000-create-messaging-tables';
import { KafkaProducer } from '../producer/kafka-producer';
import { OutboxRelay } from './outbox.relay';
import { appendToOutbox } from './outbox.writer';
import { testConfig } from '@app/testing/infrastructure';

describe('Outbox on the real database and broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let database: { dataSource: DataSource; schema: string; drop: () => Promise<void> };
  const producers: KafkaProducer[] = [];
  const relays: OutboxRelay[] = [];
  const topics: string[] = [];

  function newRelay(dataSource: DataSource = database.dataSource, batchSize = 50, pollMs = 100): OutboxRelay {
    const producer = new KafkaProducer(createKafkaClient({ brokers: testConfig.kafka.brokers, clientId: 'outbox-test' }));
    producers.push(producer);
    const relay = new OutboxRelay(dataSource, producer, { pollMs, batchSize });
    relays.push(relay);
    return relay;
  }

  async function unpublishedCount(): Promise<number> {
    const [row] = (await database.dataSource.query('SELECT count(*)::int AS n FROM outbox')) as Array<{ n: number }>;
    return row?.n ?? -1;
  }

  /** The relay listens on a connection of its own; until it does, a NOTIFY reaches nobody. */
  async function untilListening(): Promise<void> {
    await expectEventually(async () => {
      const listening = (await database.dataSource.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1', [
        `LISTEN "outbox_${database.schema}"`,
      ])) as Array<{ n: number }>;
      expect(listening[0]?.n).toBeGreaterThan(0);
    });
  }

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
  });

  beforeEach(async () => {
    database = await createTestDatabase([CreateMessagingTables1763900000000]);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    await Promise.all(producers.splice(0).map((producer) => producer.disconnect()));
    await database.drop();
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  async function newTopic(): Promise<string> {
    const topic = await createTestTopic(admin, 'outbox', 3);
    topics.push(topic);
    return topic;
  }

  it('never publishes the events of a rolled-back transaction', async () => {
    const topic = await newTopic();
    const rolledBack = complaintReceivedEvent();
    const committed = complaintReceivedEvent();

    await expect(
      database.dataSource.transaction(async (manager) => {
        await appendToOutbox(manager, [rolledBack], topic);
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    await database.dataSource.transaction((manager) => appendToOutbox(manager, [committed], topic));

    expect(await newRelay().drain()).toBe(1);
    const messages = await readMessages(kafka, topic, 1);
    expect(messages.map((message) => decodeEvent(message.value))).toEqual([{ ok: true, value: committed }]);
    expect(await unpublishedCount()).toBe(0);
  });

  it('publishes at once what was committed while it was publishing, without waiting for the poll', async () => {
    const topic = await newTopic();
    const first = complaintReceivedEvent();
    const duringRound = complaintReceivedEvent();
    // A poll so slow that only the outbox's NOTIFY can bring the second event out within the test.
    const relay = newRelay(database.dataSource, 50, 600_000);
    let rounds = 0;
    relay.afterPublish = async () => {
      rounds += 1;
      if (rounds === 1) await database.dataSource.transaction((manager) => appendToOutbox(manager, [duringRound], topic));
    };
    relay.start();
    await untilListening();
    await database.dataSource.transaction((manager) => appendToOutbox(manager, [first], topic));

    const messages = await readMessages(kafka, topic, 2, 10_000);
    expect(messages.map((message) => decodeEvent(message.value)).map((decoded) => decoded.ok && decoded.value.id).sort()).toEqual(
      [first.id, duringRound.id].sort(),
    );
  });

  it('stops at once when stopped during a round, however long its poll', async () => {
    const topic = await newTopic();
    const relay = newRelay(database.dataSource, 50, 600_000);
    let stopping: Promise<void> | null = null;
    relay.afterPublish = async () => {
      stopping ??= relay.stop();
    };
    relay.start();
    await untilListening();
    await database.dataSource.transaction((manager) => appendToOutbox(manager, [complaintReceivedEvent()], topic));
    await expectEventually(() => expect(stopping).not.toBeNull());
    const stopped = await Promise.race([stopping!.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000))]);
    expect(stopped).toBe(true);
  });

  it('commits a round without waiting for the disk, for that round only', async () => {
    const topic = await newTopic();
    await database.dataSource.transaction((manager) => appendToOutbox(manager, [complaintReceivedEvent()], topic));
    // One connection: what the round leaves on it is what the query after the round sees.
    const oneConnection = createDataSource({ url: testConfig.database.url, schema: database.schema, poolSize: 1 });
    await oneConnection.initialize();
    const setting = async (manager: Pick<DataSource, 'query'>) =>
      ((await manager.query('SHOW synchronous_commit')) as Array<{ synchronous_commit: string }>)[0]?.synchronous_commit;
    try {
      const relay = newRelay(oneConnection);
      let duringRound: string | undefined;
      relay.afterPublish = async (_rows, manager) => {
        duringRound = await setting(manager);
      };

      expect(await relay.drain()).toBe(1);
      expect(duringRound).toBe('off');
      expect(await setting(oneConnection)).toBe('on');
    } finally {
      await oneConnection.destroy();
    }
  });

  it('refuses to append outside a transaction', async () => {
    await expect(appendToOutbox(database.dataSource.manager, [complaintReceivedEvent()], 'x')).rejects.toThrow(/transaction/);
  });

  it('publishes each row once when several relays run at the same time', async () => {
    const topic = await newTopic();
    const events = Array.from({ length: 1500 }, () => complaintReceivedEvent());
    for (let index = 0; index < events.length; index += 100) {
      await database.dataSource.transaction((manager) => appendToOutbox(manager, events.slice(index, index + 100), topic));
    }

    // Small rounds and relays that poll without pause: the lock changes hands hundreds of times, and a
    // relay asks for it just as another commits its round. A relay that then read the rows with a view of
    // the outbox from before that commit would publish them a second time.
    const running = Array.from({ length: 4 }, () => newRelay(database.dataSource, 5, 1));
    running.forEach((relay) => relay.start());

    const messages = await readMessages(kafka, topic, events.length, 60_000);
    await expectEventually(async () => expect(await unpublishedCount()).toBe(0), { timeoutMs: 60_000 });
    await Promise.all(running.map((relay) => relay.stop()));
    const published = (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);
    const ids = messages.map((message) => (decodeEvent(message.value) as { ok: true; value: { id: string } }).value.id);
    expect(new Set(ids).size).toBe(events.length);
    expect(published).toBe(events.length);
  });

  it('publishes rows written while Kafka is down once it is back, in order per key', async () => {
    const topic = await newTopic();
    const keys = Array.from({ length: 5 }, () => complaintReceivedEvent().complaintId as string);
    const relay = newRelay();
    relay.start();

    kafkaControl('stop');
    const written: Array<{ key: string; id: string }> = [];
    try {
      for (let round = 0; round < 10; round += 1) {
        for (const complaintId of keys) {
          const event = complaintReceivedEvent({ complaintId });
          written.push({ key: complaintId, id: event.id });
          await database.dataSource.transaction((manager) => appendToOutbox(manager, [event], topic));
        }
      }
      // Give the relay time to meet the dead broker and back off.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(await unpublishedCount()).toBe(written.length);
    } finally {
      kafkaControl('start');
    }

    const messages = await readMessages(kafka, topic, written.length, 60_000);
    for (const key of keys) {
      const publishedOrder = messages
        .filter((message) => message.key?.toString() === key)
        .map((message) => (decodeEvent(message.value) as { ok: true; value: { id: string } }).value.id);
      expect(publishedOrder).toEqual(written.filter((row) => row.key === key).map((row) => row.id));
    }
  });
});
