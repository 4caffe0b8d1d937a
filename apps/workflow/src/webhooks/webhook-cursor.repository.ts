import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** How far outgoing webhooks have followed the alert stream (see the migration WebhookCursor). */
@Injectable()
export class WebhookCursorRepository {
  /**
   * Takes this schema's dispatcher turn until the transaction ends; false while another instance has
   * it (the same notifications wake that one).
   */
  async tryLock(tx: EntityManager): Promise<boolean> {
    const rows = (await tx.query(`SELECT pg_try_advisory_xact_lock(hashtext('alert-webhooks:' || current_schema())) AS locked`)) as Array<{ locked: boolean }>;
    return rows[0]?.locked === true;
  }

  /** The stream id of the last alert handed to the queue; on the very first run, the stream's head. */
  async position(tx: EntityManager): Promise<string> {
    const rows = (await tx.query('SELECT last_stream_id::text AS id FROM webhook_cursor')) as Array<{ id: string }>;
    if (rows[0] !== undefined) return rows[0].id;
    const started = (await tx.query(
      'INSERT INTO webhook_cursor (last_stream_id) SELECT coalesce(max(stream_id), 0) FROM alert_stream RETURNING last_stream_id::text AS id',
    )) as Array<{ id: string }>;
    return started[0]!.id;
  }

  async advance(tx: EntityManager, streamId: string): Promise<void> {
    await tx.query('UPDATE webhook_cursor SET last_stream_id = $1::bigint, updated_at = now()', [streamId]);
  }
}
