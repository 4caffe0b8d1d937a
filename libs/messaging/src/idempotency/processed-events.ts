import type { EntityManager } from 'typeorm';
import { assertInTransaction } from '../outbox/outbox.writer';

export type ApplyOnceResult<T> = { readonly applied: true; readonly result: T } | { readonly applied: false };

/**
 * Applies an effect at most once per (consumer, event id), in the caller's transaction: the
 * ledger row and the effect commit or roll back together. A concurrent duplicate waits on the
 * ledger row's unique key and then finds it taken.
 */
export async function applyOnce<T>(
  manager: EntityManager,
  consumer: string,
  eventId: string,
  effect: (manager: EntityManager) => Promise<T>,
): Promise<ApplyOnceResult<T>> {
  assertInTransaction(manager, 'applyOnce');
  const inserted: unknown[] = await manager.query(
    'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id',
    [consumer, eventId],
  );
  if (inserted.length === 0) return { applied: false };
  return { applied: true, result: await effect(manager) };
}
