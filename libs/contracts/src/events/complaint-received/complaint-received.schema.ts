import { Type, type Static } from '@sinclair/typebox';
import { defineEvent } from '../../envelope/envelope.schema';
import { Channel, Severity } from '../common.schema';

export const AttachmentMetadata = Type.Object(
  {
    name: Type.String({ maxLength: 300 }),
    contentType: Type.String({ maxLength: 200 }),
    sizeBytes: Type.Integer({ minimum: 0 }),
    storageKey: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
  },
  { additionalProperties: false },
);

/**
 * A complaint reference as customers read it over the phone: `C-` and two groups of four characters
 * from 2-9 and A-Z without I and O, so 0/O and 1/I cannot be confused. libs/domain generates them.
 */
export const COMPLAINT_REFERENCE_PATTERN = '^C-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$';

export const ComplaintReceivedV1Payload = Type.Object(
  {
    complaintId: Type.String({ format: 'uuid' }),
    reference: Type.String({ pattern: COMPLAINT_REFERENCE_PATTERN }),
    channel: Channel,
    externalRef: Type.String({ minLength: 1, maxLength: 300 }),
    customerId: Type.String({ format: 'uuid' }),
    storeId: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]),
    category: Type.String({ minLength: 1, maxLength: 100 }),
    severity: Severity,
    subject: Type.String({ maxLength: 500 }),
    description: Type.String({ maxLength: 100_000 }),
    /** The agent or staff member who took the complaint; null for email, which waits to be claimed. */
    firstResponderId: Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]),
    /** Hotline complaints are first-responded while the customer is on the phone. */
    firstRespondedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    receivedAt: Type.String({ format: 'date-time' }),
    locale: Type.Union([Type.String({ maxLength: 35 }), Type.Null()]),
    attachments: Type.Array(AttachmentMetadata, { maxItems: 100 }),
  },
  { additionalProperties: false },
);

export type ComplaintReceivedV1 = Static<typeof ComplaintReceivedV1Payload>;

export const ComplaintReceivedV1Event = defineEvent({
  type: 'complaint.received',
  version: 1,
  payload: ComplaintReceivedV1Payload,
  description: 'A new complaint was stored by intake, from any channel.',
});
