import { encodeEvent, eventKey, Topics, type EventEnvelope } from '@app/contracts';
import type { EntityManager } from 'typeorm';

function assertInTransaction(manager: EntityManager, what: string): void {
  if (manager.queryRunner?.isTransactionActive !== true) {
    throw new Error(`${what} must run inside the transaction of the state change it belongs to`);
  }
}

/**
 * Appends events to the outbox in the caller's transaction, so they are published if and only if
 * the state change that produced them commits.
 */
export async function appendToOutbox(
  manager: EntityManager,
  events: readonly EventEnvelope[],
  topic: string = Topics.events.name,
): Promise<void> {
  if (events.length === 0) return;
  assertInTransaction(manager, 'appendToOutbox');
  const values: unknown[] = [];
  const rows = events.map((event, index) => {
    const base = index * 5;
    values.push(event.id, topic, eventKey(event), encodeEvent(event).toString('utf8'), JSON.stringify(outboxHeaders(event)));
    return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}::jsonb)`;
  });
  await manager.query(
    `INSERT INTO outbox (event_id, topic, message_key, payload, headers) VALUES ${rows.join(', ')}`,
    values,
  );
}

/** Headers let consumers route or filter without parsing the value. */
export function outboxHeaders(event: EventEnvelope): Record<string, string> {
  return {
    'event-id': event.id,
    'event-type': event.type,
    'event-version': String(event.version),
    'correlation-id': event.correlationId,
  };
}

export { assertInTransaction };
