import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type AlertKind = 'sla.warning' | 'sla.breached' | 'complaint.escalated';

export interface AlertRow {
  id: string;
  /** Its place in the live stream; null for the moment between its commit and the sequencer's turn. */
  stream_id: string | null;
  dedup_key: string;
  kind: AlertKind;
  complaint_id: string;
  store_id: string | null;
  severity: string;
  detail: Record<string, unknown>;
  status: 'open' | 'acknowledged';
  created_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
}

export interface NewAlert {
  readonly dedupKey: string;
  readonly kind: AlertKind;
  readonly complaintId: string;
  readonly storeId: string | null;
  readonly severity: string;
  readonly detail: Record<string, unknown>;
  readonly at: Date;
}

/** An alert's columns as `a`, with its place in the stream (null while it waits for the sequencer) joined as `s`. */
const COLUMNS = `a.id, s.stream_id, a.dedup_key, a.kind, a.complaint_id, a.store_id, a.severity, a.detail, a.status, a.created_at,
  a.acknowledged_at, a.acknowledged_by`;
const SEQUENCE_BATCH = 5000;

/**
 * Alerts: SLA warnings, breaches and escalations for operations. Inserting one takes no global lock;
 * the live stream's order (`alert_stream`) is given afterwards by `sequence`, see the migrations
 * AlertStreamOrder for why this makes resuming from Last-Event-ID gap-free and AlertStreamTable for
 * why the order is kept apart from the alerts.
 */
@Injectable()
export class AlertsRepository {
  /** Inserts the alerts, except those whose de-duplication key exists. */
  async insert(manager: EntityManager, alerts: readonly NewAlert[]): Promise<void> {
    if (alerts.length === 0) return;
    await manager.query(
      `INSERT INTO alerts (dedup_key, kind, complaint_id, store_id, severity, detail, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[])
       ON CONFLICT (dedup_key) DO NOTHING`,
      [
        alerts.map((alert) => alert.dedupKey),
        alerts.map((alert) => alert.kind),
        alerts.map((alert) => alert.complaintId),
        alerts.map((alert) => alert.storeId),
        alerts.map((alert) => alert.severity),
        alerts.map((alert) => JSON.stringify(alert.detail)),
        alerts.map((alert) => alert.at),
      ],
    );
  }

  /**
   * Gives committed alerts their place in the live stream, in id order, one sequencer at a time
   * across all instances; announces the new places to stream readers. Returns how many were placed.
   */
  async sequence(manager: EntityManager): Promise<number> {
    return manager.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('alert-stream:' || current_schema()))`);
      const [{ placed }] = (await tx.query(
        `WITH taken AS (
           DELETE FROM alert_stream_pending
           WHERE alert_id IN (SELECT alert_id FROM alert_stream_pending ORDER BY alert_id LIMIT $1)
           RETURNING alert_id),
         placed AS (
           INSERT INTO alert_stream (stream_id, alert_id)
           SELECT nextval('alerts_stream_id_seq'), alert_id FROM (SELECT alert_id FROM taken ORDER BY alert_id) q
           RETURNING 1)
         SELECT count(*)::int AS placed FROM placed`,
        [SEQUENCE_BATCH],
      )) as [{ placed: number }];
      if (placed > 0) await tx.query(`SELECT pg_notify('alert_stream_' || current_schema(), '')`);
      return placed;
    });
  }

  /** Alerts placed in the stream after `lastStreamId`, in stream order. */
  async after(manager: EntityManager, lastStreamId: string, limit: number, storeIds?: readonly string[]): Promise<AlertRow[]> {
    const scoped = storeIds !== undefined;
    return (await manager.query(
      `SELECT ${COLUMNS} FROM alert_stream s JOIN alerts a ON a.id = s.alert_id
       WHERE s.stream_id > $1::bigint ${scoped ? 'AND a.store_id = ANY($3::text[])' : ''} ORDER BY s.stream_id LIMIT $2`,
      scoped ? [lastStreamId, limit, storeIds] : [lastStreamId, limit],
    )) as AlertRow[];
  }

  async list(manager: EntityManager, status: 'open' | 'acknowledged' | undefined, limit: number): Promise<AlertRow[]> {
    return (await manager.query(
      `SELECT ${COLUMNS} FROM alerts a LEFT JOIN alert_stream s ON s.alert_id = a.id
       ${status === undefined ? '' : 'WHERE a.status = $2'} ORDER BY a.id DESC LIMIT $1`,
      status === undefined ? [limit] : [limit, status],
    )) as AlertRow[];
  }

  async acknowledge(manager: EntityManager, id: string, by: string, at: Date): Promise<AlertRow | null> {
    const rows = (await manager.query(
      `WITH a AS (
         UPDATE alerts SET status = 'acknowledged', acknowledged_at = COALESCE(acknowledged_at, $3), acknowledged_by = COALESCE(acknowledged_by, $2)
         WHERE id = $1::bigint RETURNING *)
       SELECT ${COLUMNS} FROM a LEFT JOIN alert_stream s ON s.alert_id = a.id`,
      [id, by, at],
    )) as AlertRow[];
    return rows[0] ?? null;
  }
}
