import { Type, type Static } from '@sinclair/typebox';
import { defineEvent } from '../../envelope/envelope.schema';
import { Channel, Severity } from '../common.schema';

const Attachment = Type.Object(
  {
    name: Type.String({ maxLength: 300 }),
    contentType: Type.String({ maxLength: 200 }),
    sizeBytes: Type.Integer({ minimum: 0 }),
    storageKey: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
  },
  { additionalProperties: false },
);

export const ComplaintReceivedV1Payload = Type.Object(
  {
    complaintId: Type.String({ format: 'uuid' }),
    reference: Type.String({ pattern: '^C-[0-9A-HJ-NP-Z]{4}-[0-9A-HJ-NP-Z]{4}$' }),
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
    attachments: Type.Array(Attachment, { maxItems: 100 }),
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
