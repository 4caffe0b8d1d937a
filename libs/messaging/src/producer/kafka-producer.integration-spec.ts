import { readMessages, testKafka, uniqueName } from '@app/testing/infrastructure';
import type { Admin, Kafka } from 'kafkajs';
import { KafkaProducer } from './kafka-producer';

describe('KafkaProducer on the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: KafkaProducer;
  const topics: string[] = [];

  async function topicOf(prefix: string, configEntries: Array<{ name: string; value: string }> = []): Promise<string> {
    const topic = uniqueName(`test.${prefix}`).replace(/_/g, '-');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1, configEntries }], waitForLeaders: true });
    topics.push(topic);
    return topic;
  }

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    producer = new KafkaProducer(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  it('delivers sends made at once, each topic in the order they were made', async () => {
    const [first, second] = [await topicOf('coalesced'), await topicOf('coalesced')];
    const sends = Array.from({ length: 300 }, (_, index) =>
      producer.sendBatch([
        { topic: first, messages: [{ key: 'one-key', value: `first-${index}` }] },
        { topic: second, messages: [{ key: 'one-key', value: `second-${index}` }] },
      ]),
    );
    await Promise.all(sends);

    const [onFirst, onSecond] = await Promise.all([readMessages(kafka, first, 300), readMessages(kafka, second, 300)]);
    expect(onFirst.map((message) => message.value?.toString())).toEqual(Array.from({ length: 300 }, (_, index) => `first-${index}`));
    expect(onSecond.map((message) => message.value?.toString())).toEqual(Array.from({ length: 300 }, (_, index) => `second-${index}`));
  });

  it('fails only the send the broker refuses when it travelled with others', async () => {
    const topic = await topicOf('small-records', [{ name: 'max.message.bytes', value: '2048' }]);
    const fine = Array.from({ length: 20 }, (_, index) => producer.send(topic, [{ key: 'k', value: `fine-${index}` }]));
    const tooLarge = producer.send(topic, [{ key: 'k', value: 'x'.repeat(10_000) }]);
    const after = Array.from({ length: 20 }, (_, index) => producer.send(topic, [{ key: 'k', value: `after-${index}` }]));

    await expect(tooLarge).rejects.toThrow();
    await Promise.all([...fine, ...after]);
    const delivered = await readMessages(kafka, topic, 40);
    expect(delivered.map((message) => message.value?.toString())).toEqual([
      ...Array.from({ length: 20 }, (_, index) => `fine-${index}`),
      ...Array.from({ length: 20 }, (_, index) => `after-${index}`),
    ]);
  });

  it('does not reopen a producer that was disconnected: a later send fails until connect is called', async () => {
    const topic = await topicOf('closed');
    const closing = new KafkaProducer(kafka);
    await closing.send(topic, [{ key: 'k', value: 'before' }]);
    await closing.disconnect();

    await expect(closing.send(topic, [{ key: 'k', value: 'after' }])).rejects.toThrow('disconnected');
    await closing.connect();
    await closing.send(topic, [{ key: 'k', value: 'reconnected' }]);
    await closing.disconnect();

    const delivered = await readMessages(kafka, topic, 2);
    expect(delivered.map((message) => message.value?.toString())).toEqual(['before', 'reconnected']);
  });
});
