import type { HotlineCallV1 } from './hotline-call.schema';

/**
 * The examples published beside the hotline JSON Schema (libs/contracts/schemas/examples), keyed by
 * the name of their file. Typed here, so an example that no longer fits the schema does not compile.
 */
export const HOTLINE_CALL_EXAMPLES = {
  'telephony-minimal': {
    schemaVersion: 1,
    callId: 'cti-2026-11-23-000417',
    source: 'telephony',
    callerNumber: '+44 20 7946 0018',
    agentId: 'agent-0042',
    category: 'product_quality',
    description: 'The kettle bought last week stopped heating after two days.',
    callStartedAt: '2026-11-23T09:14:05Z',
  },
  'telephony-full': {
    schemaVersion: 1,
    callId: 'cti-2026-11-23-000533',
    source: 'telephony',
    callerNumber: '138 0013 8000',
    callerEmail: 'zhang.san@example.cn',
    loyaltyId: 'LC 0042 7781',
    agentId: 'agent-0107',
    storeId: 'S031',
    category: 'food_safety',
    severity: 'critical',
    subject: '买的牛奶变质',
    description: '昨天在贵店买的牛奶已经变质，孩子喝了以后呕吐，怀疑食物中毒。',
    callStartedAt: '2026-11-23T21:40:12+08:00',
    locale: 'zh-CN',
  },
  'api-with-idempotency-key': {
    schemaVersion: 1,
    callId: 'api-6f1c2d9e-3b7a-4c55-9a0e-2f4d8b1c7e60',
    source: 'api',
    idempotencyKey: '0b8e7f4a-5c2d-4e19-8a6b-9d3f1c2e4a70',
    complaintId: '5d0b8a2e-6f3c-4b71-9e2a-1c4d7f8b3a90',
    reference: 'C-7K4Q-2M9D',
    callerNumber: '020 7946 0321',
    agentId: 'agent-0042',
    storeId: 'S007',
    category: 'service',
    subject: 'Refused a refund at the till',
    description: 'Customer was refused a refund for unopened goods with a receipt.',
    callStartedAt: '2026-11-24T08:02:44.120Z',
    locale: 'en-GB',
  },
} satisfies Record<string, HotlineCallV1>;
