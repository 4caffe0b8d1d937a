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
  if (!(await claimUnprocessed(manager, consumer, [eventId])).has(eventId)) return { applied: false };
  return { applied: true, result: await effect(manager) };
}

/**
 * `applyOnce` for a run of events: records them all as processed by `consumer` in the caller's
 * transaction, in one statement, and returns the ids that were not already (an id repeated in the run
 * is returned once; the caller applies its first occurrence). Concurrent duplicates wait on the
 * ledger's unique key, as with `applyOnce`.
 */
export async function claimUnprocessed(manager: EntityManager, consumer: string, eventIds: readonly string[]): Promise<ReadonlySet<string>> {
  assertInTransaction(manager, 'claimUnprocessed');
  if (eventIds.length === 0) return new Set();
  const inserted = (await manager.query(
    'INSERT INTO processed_events (consumer, event_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING event_id',
    [consumer, eventIds],
  )) as Array<{ event_id: string }>;
  return new Set(inserted.map((row) => row.event_id));
}
