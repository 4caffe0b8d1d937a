import type { AlertRow } from './alerts.repository';

export interface AlertView {
  readonly id: string;
  /** The alert's place in the live stream: the SSE event id, to resume from with Last-Event-ID. */
  readonly streamId: string | null;
  readonly kind: string;
  readonly complaintId: string;
  readonly storeId: string | null;
  readonly severity: string;
  readonly detail: Record<string, unknown>;
  readonly status: string;
  readonly createdAt: string;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
}

export function toAlertView(row: AlertRow): AlertView {
  return {
    id: row.id,
    streamId: row.stream_id,
    kind: row.kind,
    complaintId: row.complaint_id,
    storeId: row.store_id,
    severity: row.severity,
    detail: row.detail,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: row.acknowledged_by,
  };
}
