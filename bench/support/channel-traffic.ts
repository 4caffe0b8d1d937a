import type { TopicKey } from '@app/contracts';
import type { KafkaProducer, OutgoingMessage } from '@app/messaging';
import { newComplaintMessage } from '@app/testing/channel-factories';

export type ChannelKey = Extract<TopicKey, 'hotline' | 'email' | 'instore'>;

/** The channels' shares of the traffic, as in the reliability suite's mixed traffic (less the API). */
const SHARES: ReadonlyArray<[ChannelKey, number]> = [
  ['hotline', 0.4],
  ['email', 0.3],
  ['instore', 0.3],
];

const BATCH = 1000;

function pick(): ChannelKey {
  let roll = Math.random();
  for (const [channel, share] of SHARES) {
    if (roll < share) return channel;
    roll -= share;
  }
  return 'hotline';
}

export type ChannelCounts = Record<ChannelKey, number>;

/**
 * Publishes `total` channel messages, each a new complaint with a natural key of its own, mixed over the
 * three channel topics, as fast as the broker takes them. Nothing is kept once sent, so producing a large
 * backlog does not weigh on the memory measured afterwards.
 */
export async function produceChannelMessages(
  producer: KafkaProducer,
  topics: Record<TopicKey, string>,
  total: number,
  progress?: (sent: number) => void,
): Promise<ChannelCounts> {
  const counts: ChannelCounts = { hotline: 0, email: 0, instore: 0 };
  for (let sent = 0; sent < total; ) {
    const size = Math.min(BATCH, total - sent);
    const channels = Array.from({ length: size }, pick);
    const messages = await Promise.all(channels.map(newComplaintMessage));
    const byTopic = new Map<ChannelKey, OutgoingMessage[]>();
    channels.forEach((channel, index) => {
      counts[channel] += 1;
      const list = byTopic.get(channel) ?? [];
      list.push(messages[index] as OutgoingMessage);
      byTopic.set(channel, list);
    });
    await producer.sendBatch([...byTopic].map(([channel, list]) => ({ topic: topics[channel], messages: list })));
    sent += size;
    progress?.(sent);
  }
  return counts;
}
