import { encodeEvent, eventKey } from '@app/contracts';
import type { KafkaProducer, OutgoingMessage } from '@app/messaging';
import { interleavedLifecycleEvents } from '@app/testing/lifecycle-events';

/** Complaints whose lifecycles are interleaved in one send: about ten events each. */
const COMPLAINTS_PER_SEND = 300;
/** Shares of the messages that are a redelivery of the previous event, or not an event at all. */
const REDELIVERED = 0.002;
const MALFORMED = 0.001;

export interface EventTrafficCounts {
  readonly messages: number;
  readonly complaints: number;
  readonly redelivered: number;
  readonly malformed: number;
  readonly byType: Record<string, number>;
}

/**
 * Publishes `total` messages to the events topic: the lifecycles of complaints (received, state changes,
 * breaches, escalations, ownership) and their customers' purchases, surveys and losses, interleaved by
 * time as the topic holds them, with a few redeliveries and malformed messages. Nothing is kept once
 * sent, so a large backlog does not weigh on the memory measured afterwards.
 */
export async function produceEvents(producer: KafkaProducer, topic: string, total: number): Promise<EventTrafficCounts> {
  const byType: Record<string, number> = {};
  let messages = 0;
  let complaints = 0;
  let redelivered = 0;
  let malformed = 0;
  while (messages < total) {
    const batch: OutgoingMessage[] = [];
    for (const event of interleavedLifecycleEvents(COMPLAINTS_PER_SEND)) {
      if (messages + batch.length >= total) break;
      const message = { key: eventKey(event), value: encodeEvent(event) };
      batch.push(message);
      byType[event.type] = (byType[event.type] ?? 0) + 1;
      if (event.type === 'complaint.received') complaints += 1;
      const roll = Math.random();
      if (roll < REDELIVERED && messages + batch.length < total) {
        batch.push(message);
        redelivered += 1;
      } else if (roll < REDELIVERED + MALFORMED && messages + batch.length < total) {
        batch.push({ key: message.key, value: '{"type":"complaint.received","payload":' });
        malformed += 1;
      }
    }
    await producer.send(topic, batch);
    messages += batch.length;
  }
  return { messages, complaints, redelivered, malformed, byType };
}
