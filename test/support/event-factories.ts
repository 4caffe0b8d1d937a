import { randomUUID } from 'node:crypto';
import { createEvent, type ComplaintReceivedV1 } from '@app/contracts';

let sequence = 0;

/** A valid complaint.received payload; override what a test cares about. */
export function complaintReceivedPayload(overrides: Partial<ComplaintReceivedV1> = {}): ComplaintReceivedV1 {
  sequence += 1;
  const complaintId = overrides.complaintId ?? randomUUID();
  return {
    complaintId,
    reference: 'C-7K4Q-2M9D',
    channel: 'hotline',
    externalRef: `call-${sequence}-${complaintId.slice(0, 8)}`,
    customerId: randomUUID(),
    storeId: 'S001',
    category: 'product_quality',
    severity: 'normal',
    subject: 'Broken kettle',
    description: 'The kettle stopped working after two days.',
    firstResponderId: 'agent-1',
    firstRespondedAt: '2026-11-23T09:00:00.000Z',
    receivedAt: '2026-11-23T09:00:00.000Z',
    locale: 'en-GB',
    attachments: [],
    ...overrides,
  };
}

export function complaintReceivedEvent(overrides: Partial<ComplaintReceivedV1> = {}) {
  const payload = complaintReceivedPayload(overrides);
  return createEvent('complaint.received', 1, payload, { producer: 'test', complaintId: payload.complaintId });
}
