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
      !Number.isNaN(Date.parse(parsed[0])) &&
      typeof parsed[1] === 'string' &&
      /^[0-9a-f-]{36}$/.test(parsed[1])
    ) {
      return { receivedAt: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through: not a cursor of ours
  }
  return null;
}
