import { Type, type Static } from '@sinclair/typebox';
import { defineEvent } from '../../envelope/envelope.schema';
import { Channel } from '../common.schema';
import { AttachmentMetadata } from '../complaint-received/complaint-received.schema';

export const ComplaintCustomerMessageReceivedV1Payload = Type.Object(
  {
    complaintId: Type.String({ format: 'uuid' }),
    messageId: Type.String({ format: 'uuid' }),
    channel: Channel,
    subject: Type.String({ maxLength: 500 }),
    body: Type.String({ maxLength: 100_000 }),
    receivedAt: Type.String({ format: 'date-time' }),
    attachments: Type.Array(AttachmentMetadata, { maxItems: 100 }),
  },
  { additionalProperties: false },
);

export type ComplaintCustomerMessageReceivedV1 = Static<typeof ComplaintCustomerMessageReceivedV1Payload>;

export const ComplaintCustomerMessageReceivedV1Event = defineEvent({
  type: 'complaint.customer_message_received',
  version: 1,
  payload: ComplaintCustomerMessageReceivedV1Payload,
  description: 'The customer wrote again about an existing complaint (e.g. an email reply), appended to it.',
});
