import type { ComplaintRow } from '../complaints/complaint.repository';
import type { ComplaintView } from './complaint-api.schema';

export function toComplaintView(row: ComplaintRow, complaintCount?: number): ComplaintView {
  return {
    id: row.id,
    reference: row.reference,
    channel: row.channel,
    status: row.status,
    customer: {
      id: row.customer_id,
      phone: row.contact_phone,
      email: row.contact_email,
      name: row.contact_name,
      loyaltyId: row.loyalty_id,
      ...(complaintCount === undefined ? {} : { complaintCount }),
    },
    storeId: row.store_id,
    category: row.category,
    severity: row.severity,
    severityReason: row.severity_reason,
    subject: row.subject,
    description: row.description,
    firstResponderId: row.first_responder_id,
    ownerId: row.owner_id,
    firstRespondedAt: row.first_responded_at?.toISOString() ?? null,
    receivedAt: row.received_at.toISOString(),
    locale: row.locale,
    attachments: row.attachments,
  };
}

/** An opaque cursor: the position (received time, id) of the last item of a page. */
export function encodeCursor(row: ComplaintRow): string {
  return Buffer.from(JSON.stringify([row.received_at.toISOString(), row.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { receivedAt: string; id: string } | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(parsed[1])
    ) {
      // Only instants PostgreSQL can hold (years 1 to 9999) are positions a page could have ended at.
      const receivedAt = new Date(parsed[0]);
      const year = receivedAt.getUTCFullYear();
      if (Number.isNaN(receivedAt.getTime()) || year < 1 || year > 9999) return null;
      return { receivedAt: receivedAt.toISOString(), id: parsed[1] };
    }
  } catch {
    // fall through: not a cursor of ours
  }
  return null;
}
