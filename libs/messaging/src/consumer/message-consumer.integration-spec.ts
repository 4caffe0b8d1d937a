import { decodeEvent, encodeEvent, type AnyEvent } from '@app/contracts';
import { expectEventually } from '@app/testing/eventually';
import { complaintReceivedEvent } from '@app/testing/event-factories';
import { createTestDatabase, createTestTopic, readMessages, testKafka, uniqueName } from '@app/testing/infrastructure';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { applyOnce } from '../idempotency/processed-events';
import { CreateMessagingTables1763900000000 } from '../migrations/1763900000000-create-messaging-tables';
import { KafkaProducer } from '../producer/kafka-producer';
import { DEAD_LETTER_HEADER, DeadLetterPublisher } from './dead-letter';
import { MessageConsumer, type MessageConsumerOptions, type OffsetCommitter } from './message-consumer';
import { NonRetryableError } from './errors';

describe('MessageConsumer on the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: KafkaProducer;
  let topic: string;
  let deadLetterTopic: string;
  const consumers: Array<MessageConsumer<AnyEvent>> = [];

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    producer = new KafkaProducer(kafka);
    await producer.connect();
  });

  beforeEach(async () => {
    topic = await createTestTopic(admin, 'events', 3);
    deadLetterTopic = await createTestTopic(admin, 'dead-letter', 1);
  });

  const createdTopics: string[] = [];

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
    createdTopics.push(topic, deadLetterTopic);
  });

  afterAll(async () => {
    // Deleted only now: a kafkajs producer keeps refreshing metadata of every topic it ever wrote to.
    await producer.disconnect();
    await admin.deleteTopics({ topics: createdTopics });
    await admin.disconnect();
  });

  async function startConsumer(overrides: Partial<MessageConsumerOptions<AnyEvent>> & Pick<MessageConsumerOptions<AnyEvent>, 'handle'>) {
    const consumer = new MessageConsumer<AnyEvent>(kafka, new DeadLetterPublisher(producer, deadLetterTopic), {
      groupId: uniqueName('group'),
      topics: [topic],
      decode: (message) => decodeEvent(message.value),
      maxAttempts: 2,
      backoff: { initialMs: 10, maxMs: 50, multiplier: 2 },
      ...overrides,
    });
    consumers.push(consumer);
    await consumer.start();
    return consumer;
  }

  it('round-trips a valid envelope from producer to handler', async () => {
    const event = complaintReceivedEvent();
    const received: AnyEvent[] = [];
    await startConsumer({ handle: async (value) => void received.push(value) });

    await producer.send(topic, [{ key: event.complaintId ?? null, value: encodeEvent(event) }]);

    await expectEventually(() => expect(received).toEqual([event]));
  });

  it('dead-letters an invalid message with its reason and original bytes, then processes the next one', async () => {
    const valid = complaintReceivedEvent();
    const invalidBytes = Buffer.from('{"id": "not-a-uuid", "type": 42');
    const received: AnyEvent[] = [];
    // One partition's order matters here: the bad message comes first, the good one must still arrive.
    await startConsumer({ handle: async (value) => void received.push(value) });

    await producer.send(topic, [
      { key: 'same-key', value: invalidBytes, headers: { origin: 'test' } },
      { key: 'same-key', value: encodeEvent(valid) },
    ]);

    await expectEventually(() => expect(received).toEqual([valid]));
    const [dead] = await readMessages(kafka, deadLetterTopic, 1);
    expect(dead?.value?.equals(invalidBytes)).toBe(true);
    expect(dead?.key?.toString()).toBe('same-key');
    expect(dead?.headers?.[DEAD_LETTER_HEADER.code]?.toString()).toBe('not_json');
    expect(dead?.headers?.[DEAD_LETTER_HEADER.sourceTopic]?.toString()).toBe(topic);
    expect(dead?.headers?.[DEAD_LETTER_HEADER.reason]?.toString()).not.toHaveLength(0);
    expect(dead?.headers?.['origin']?.toString()).toBe('test');
  });

  it('dead-letters what the handler refuses for good, and what keeps failing after its attempts', async () => {
    const refused = complaintReceivedEvent({ category: 'refuse-me' });
    const failing = complaintReceivedEvent({ category: 'fail-me' });
    const fine = complaintReceivedEvent();
    const attempts = new Map<string, number>();
    const handled: string[] = [];
    await startConsumer({
      handle: async (value) => {
        attempts.set(value.id, (attempts.get(value.id) ?? 0) + 1);
        const category = value.type === 'complaint.received' ? value.payload.category : '';
        if (category === 'refuse-me') throw new NonRetryableError('rule_broken', 'category refused');
        if (category === 'fail-me') throw new TypeError('handler bug');
        handled.push(value.id);
      },
    });

    await producer.send(topic, [refused, failing, fine].map((event) => ({ key: 'k', value: encodeEvent(event) })));

    await expectEventually(() => expect(handled).toEqual([fine.id]));
    const dead = await readMessages(kafka, deadLetterTopic, 2);
    expect(dead.map((message) => message.headers?.[DEAD_LETTER_HEADER.code]?.toString())).toEqual([
      'rule_broken',
      'handler_failed',
    ]);
    expect(attempts.get(refused.id)).toBe(1);
    expect(attempts.get(failing.id)).toBe(2);
    expect(dead[1]?.headers?.[DEAD_LETTER_HEADER.attempts]?.toString()).toBe('2');
  });

  describe('with a database', () => {
    let database: { dataSource: DataSource; drop: () => Promise<void> };

    beforeEach(async () => {
      database = await createTestDatabase([CreateMessagingTables1763900000000]);
      await database.dataSource.query('CREATE TABLE effects (event_id text NOT NULL, note text NOT NULL)');
    });

    afterEach(async () => {
      await database.drop();
    });

    it('applies the effect of a message whose offset commit was lost exactly once on redelivery', async () => {
      const event = complaintReceivedEvent();
      const groupId = uniqueName('group');
      const deliveries: string[] = [];
      const handle = (instance: string) => async (value: AnyEvent) => {
        deliveries.push(instance);
        await database.dataSource.transaction((manager) =>
          applyOnce(manager, groupId, value.id, (tx) =>
            tx.query('INSERT INTO effects (event_id, note) VALUES ($1, $2)', [value.id, instance]),
          ),
        );
      };
      // The first instance's commits never reach the broker, as if it died right after its database commit.
      const loseCommits: OffsetCommitter = async () => undefined;
      const first = await startConsumer({ groupId, handle: handle('first'), commitOffsets: loseCommits });

      await producer.send(topic, [{ key: event.complaintId ?? null, value: encodeEvent(event) }]);
      await expectEventually(() => expect(deliveries).toEqual(['first']));
      await first.stop();

      await startConsumer({ groupId, handle: handle('second') });
      await expectEventually(() => expect(deliveries).toEqual(['first', 'second']));

      const effects = (await database.dataSource.query('SELECT note FROM effects WHERE event_id = $1', [event.id])) as Array<{ note: string }>;
      expect(effects).toEqual([{ note: 'first' }]);
    });

    it('retries a handler whose database is unreachable until it comes back, without skipping', async () => {
      const event = complaintReceivedEvent();
      let databaseUp = false;
      const handled: string[] = [];
      await startConsumer({
        maxAttempts: 1,
        handle: async (value) => {
          if (!databaseUp) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
          handled.push(value.id);
        },
      });

      await producer.send(topic, [{ key: event.complaintId ?? null, value: encodeEvent(event) }]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(handled).toEqual([]);
      databaseUp = true;

      await expectEventually(() => expect(handled).toEqual([event.id]));
    });
  });

  it('commits a steady trickle about once a second, the last offset by its timer, and what it handled on stop', async () => {
    const groupId = uniqueName('group');
    const commits: Array<{ at: number; offsets: string[] }> = [];
    const recordCommits: OffsetCommitter = async (offsets) => {
      commits.push({ at: Date.now(), offsets: offsets.map((offset) => `${offset.partition}:${offset.offset}`) });
    };
    const handled: string[] = [];
    const consumer = await startConsumer({ groupId, handle: async (value) => void handled.push(value.id), commitOffsets: recordCommits });
    const events = Array.from({ length: 30 }, () => complaintReceivedEvent());
    const started = Date.now();
    for (const event of events) {
      // One at a time on one partition: each its own fetch, as under a light steady load.
      await producer.send(topic, [{ key: 'one-partition', value: encodeEvent(event) }]);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await expectEventually(() => expect(handled).toHaveLength(30));
    // The last message's offset is committed by the timer, without another message or a stop.
    await expectEventually(() => expect(commits.flatMap((commit) => commit.offsets)).toContainEqual(expect.stringMatching(/:30$/)), { timeoutMs: 5000 });
    const seconds = (Date.now() - started) / 1000;
    expect(commits.length).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
    expect(commits.length).toBeLessThan(30);

    const more = complaintReceivedEvent();
    await producer.send(topic, [{ key: 'one-partition', value: encodeEvent(more) }]);
    await expectEventually(() => expect(handled).toContain(more.id));
    await consumer.stop();
    expect(commits.flatMap((commit) => commit.offsets)).toContainEqual(expect.stringMatching(/:31$/));
  });

  it('passes over what it ignores without decoding it, and goes on', async () => {
    const wanted = complaintReceivedEvent();
    const received: AnyEvent[] = [];
    const groupId = uniqueName('group');
    const first = await startConsumer({
      groupId,
      ignore: (message) => message.headers['event-type'] === 'not.for.us',
      handle: async (value) => void received.push(value),
    });

    // Bytes that would be dead-lettered if they were decoded.
    await producer.send(topic, [
      { key: 'one-partition', value: 'not json', headers: { 'event-type': 'not.for.us' } },
      { key: 'one-partition', value: encodeEvent(wanted) },
    ]);
    await expectEventually(() => expect(received).toEqual([wanted]));
    await first.stop();

    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets[0]?.partitions.reduce((sum, partition) => sum + Math.max(0, Number(partition.offset)), 0);
    expect(committed).toBe(2);
    const deadLetters = await admin.fetchTopicOffsets(deadLetterTopic);
    expect(deadLetters.map((partition) => partition.high)).toEqual(['0']);
  });

  it('gives up partitions to a member that joins while it works through a backlog', async () => {
    const events = Array.from({ length: 240 }, () => complaintReceivedEvent());
    const handledBy = new Map<string, string[]>();
    const groupId = uniqueName('group');
    const slowly = (member: string) => async (value: AnyEvent) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      handledBy.set(value.id, [...(handledBy.get(value.id) ?? []), member]);
    };
    await producer.send(
      topic,
      events.map((event) => ({ key: event.id, value: encodeEvent(event) })),
    );
    await startConsumer({ groupId, heartbeatIntervalMs: 500, handle: slowly('first') });
    await expectEventually(() => expect(handledBy.size).toBeGreaterThan(5));

    // Alone, the first member needs about 12 s more; the second must get work long before that.
    const joinedAt = Date.now();
    await startConsumer({ groupId, heartbeatIntervalMs: 500, handle: slowly('second') });
    await expectEventually(() => expect([...handledBy.values()].flat()).toContain('second'), { timeoutMs: 8000 });
    expect(Date.now() - joinedAt).toBeLessThan(8000);

    await expectEventually(() => expect(handledBy.size).toBe(events.length), { timeoutMs: 30_000 });
  });

  it('stops every batch of a fetch when the group rebalances, not only the one that heard it', async () => {
    createdTopics.push(topic);
    topic = await createTestTopic(admin, 'events', 6);
    const events = Array.from({ length: 180 }, () => complaintReceivedEvent());
    await producer.send(
      topic,
      events.map((event) => ({ key: event.id, value: encodeEvent(event) })),
    );
    const groupId = uniqueName('group');
    const runsBegun: number[] = [];
    // One partition at a time, a second per run of 10: a fetch holds about 18 runs over six partitions.
    await startConsumer({
      groupId,
      heartbeatIntervalMs: 200,
      maxBatchSize: 10,
      handle: async () => undefined,
      handleBatch: async () => {
        runsBegun.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 1000));
      },
    });
    await expectEventually(() => expect(runsBegun.length).toBeGreaterThan(0));

    const joining = Date.now();
    await startConsumer({ groupId, handle: async () => undefined });
    const joined = Date.now();

    // The run in hand when the signal came ends (and perhaps one more begun before the signal); the other
    // partitions' batches begin no run of their own, where each of the five used to begin one.
    const begunWhileJoining = runsBegun.filter((at) => at > joining && at < joined).length;
    expect(begunWhileJoining).toBeLessThanOrEqual(2);
  });

  it('stops a run it handles one message at a time when the group rebalances, leaving the rest to their next owner', async () => {
    const events = Array.from({ length: 20 }, () => complaintReceivedEvent());
    await producer.send(
      topic,
      events.map((event) => ({ key: 'one-partition', value: encodeEvent(event) })),
    );
    const groupId = uniqueName('group');
    const handledAt: number[] = [];
    const handledBy = new Map<string, string[]>();
    const record = (member: string, value: AnyEvent) => handledBy.set(value.id, [...(handledBy.get(value.id) ?? []), member]);
    // Every run fails as a whole and goes one message at a time, 300 ms each: 6 s for the run of 20.
    await startConsumer({
      groupId,
      heartbeatIntervalMs: 200,
      handleBatch: async () => {
        throw new Error('this run cannot go as one');
      },
      handle: async (value) => {
        handledAt.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 300));
        record('first', value);
      },
    });
    await expectEventually(() => expect(handledAt.length).toBeGreaterThan(0));

    const joining = Date.now();
    await startConsumer({ groupId, handle: async (value) => void record('second', value) });
    const joined = Date.now();

    // The message in hand is finished and perhaps one more begun before the signal; the run's other
    // messages used to be handled first, holding the new member back for seconds.
    expect(handledAt.filter((at) => at > joining && at < joined).length).toBeLessThanOrEqual(2);
    // Whoever owns the partition now finishes the run: every message handled, none lost.
    await expectEventually(() => expect(handledBy.size).toBe(events.length), { timeoutMs: 20_000 });
  });

  describe('in runs (handleBatch)', () => {
    const categoryOf = (value: AnyEvent) => (value.type === 'complaint.received' ? value.payload.category : '');

    it('hands consecutive messages over together, in partition order, and commits after the run', async () => {
      const events = Array.from({ length: 60 }, () => complaintReceivedEvent());
      const runs: string[][] = [];
      const groupId = uniqueName('group');
      const first = await startConsumer({
        groupId,
        handle: async () => {
          throw new Error('the run path handles these');
        },
        handleBatch: async (items) => void runs.push(items.map((item) => item.value.id)),
      });

      await producer.send(
        topic,
        events.map((event) => ({ key: 'one-partition', value: encodeEvent(event) })),
      );
      await expectEventually(() => expect(runs.flat()).toEqual(events.map((event) => event.id)));
      expect(runs.some((run) => run.length > 1)).toBe(true);
      await first.stop();

      // Committed: a new member of the group starts after the last message.
      const again: string[] = [];
      await startConsumer({ groupId, handle: async (value) => void again.push(value.id) });
      const later = complaintReceivedEvent();
      await producer.send(topic, [{ key: 'one-partition', value: encodeEvent(later) }]);
      await expectEventually(() => expect(again).toEqual([later.id]));
    });

    it("decodes a run's messages side by side, and dead-letters the undecodable ones in their order", async () => {
      const events = Array.from({ length: 8 }, () => complaintReceivedEvent());
      let inFlight = 0;
      let mostInFlight = 0;
      const handled: string[] = [];
      await startConsumer({
        // A decoder that takes turns of the event loop, as a streaming MIME parser does.
        decode: async (message) => {
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 20));
          inFlight -= 1;
          return decodeEvent(message.value);
        },
        handle: async () => {
          throw new Error('the run path handles these');
        },
        handleBatch: async (items) => void handled.push(...items.map((item) => item.value.id)),
      });

      const undecodable = [Buffer.from('not json at all'), Buffer.from('{"also": "not an event"}')];
      await producer.send(topic, [
        ...events.slice(0, 4).map((event) => ({ key: 'one-partition', value: encodeEvent(event) })),
        { key: 'one-partition', value: undecodable[0]! },
        ...events.slice(4).map((event) => ({ key: 'one-partition', value: encodeEvent(event) })),
        { key: 'one-partition', value: undecodable[1]! },
      ]);

      await expectEventually(() => expect(handled).toEqual(events.map((event) => event.id)));
      expect(mostInFlight).toBeGreaterThan(1);
      const deadLetters = await readMessages(kafka, deadLetterTopic, 2);
      expect(deadLetters.map((message) => message.value?.toString())).toEqual(undecodable.map((bytes) => bytes.toString()));
    });

    it('handles a run one message at a time when it fails, so only the bad message is dead-lettered', async () => {
      const before = complaintReceivedEvent();
      const failing = complaintReceivedEvent({ category: 'fail-me' });
      const after = complaintReceivedEvent();
      const undecodable = Buffer.from('not json at all');
      const handled: string[] = [];
      const runs: number[] = [];
      await startConsumer({
        maxBatchSize: 10,
        handle: async (value) => {
          if (categoryOf(value) === 'fail-me') throw new TypeError('handler bug');
          handled.push(value.id);
        },
        handleBatch: async (items) => {
          runs.push(items.length);
          if (items.some((item) => categoryOf(item.value) === 'fail-me')) throw new TypeError('handler bug');
          handled.push(...items.map((item) => item.value.id));
        },
      });

      await producer.send(topic, [
        { key: 'one-partition', value: encodeEvent(before) },
        { key: 'one-partition', value: undecodable },
        { key: 'one-partition', value: encodeEvent(failing) },
        { key: 'one-partition', value: encodeEvent(after) },
      ]);

      await expectEventually(() => expect(handled).toEqual([before.id, after.id]));
      const dead = await readMessages(kafka, deadLetterTopic, 2);
      expect(dead.map((message) => message.headers?.[DEAD_LETTER_HEADER.code]?.toString()).sort()).toEqual(['handler_failed', 'not_json']);
      expect(dead.find((message) => message.value?.equals(undecodable))).toBeDefined();
      expect(runs[0]).toBe(3);
    });

    it('retries the whole run while the infrastructure is down, without splitting it', async () => {
      const events = Array.from({ length: 5 }, () => complaintReceivedEvent());
      let databaseUp = false;
      let refused = 0;
      const runs: string[][] = [];
      const single: string[] = [];
      await startConsumer({
        handle: async (value) => void single.push(value.id),
        handleBatch: async (items) => {
          if (!databaseUp) refused += 1;
          if (!databaseUp) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
          runs.push(items.map((item) => item.value.id));
        },
      });

      await producer.send(
        topic,
        events.map((event) => ({ key: 'one-partition', value: encodeEvent(event) })),
      );
      // Refused twice: the run was retried whole, not split.
      await expectEventually(() => expect(refused).toBeGreaterThanOrEqual(2));
      databaseUp = true;

      await expectEventually(() => expect(runs.flat()).toEqual(events.map((event) => event.id)));
      expect(single).toEqual([]);
    });
  });
});
