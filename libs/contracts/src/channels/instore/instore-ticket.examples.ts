import type { InstoreTicketV1 } from './instore-ticket.schema';

/**
 * The examples published beside the in-store JSON Schema (libs/contracts/schemas/examples), keyed by
 * the name of their file. Typed here, so an example that no longer fits the schema does not compile.
 */
export const INSTORE_TICKET_EXAMPLES = {
  'receipt-phone-only': {
    schemaVersion: 1,
    storeId: 'S007',
    staffId: 'staff-1180',
    receiptOrTicketNumber: 'R-0007-20261123-0456',
    customer: { phone: '07911 123456' },
    category: 'product_quality',
    description: 'Zip on the jacket broke the first time it was worn.',
    occurredAt: '2026-11-23T15:31:00Z',
  },
  'ticket-with-photos': {
    schemaVersion: 1,
    storeId: 'S012',
    staffId: 'staff-0311',
    receiptOrTicketNumber: 'T 2026 1124 0009',
    customer: { name: 'Jane Doe', email: 'Jane.Doe@example.com', loyaltyId: 'LC 0099 1234' },
    category: 'store_environment',
    severity: 'high',
    description: 'Customer slipped on a wet floor by the entrance; no sign was out. Not injured but upset.',
    photos: [
      { url: 'https://photos.example.com/S012/2026-11-24/0009-1.jpg', contentType: 'image/jpeg', sizeBytes: 481_233 },
      { storageKey: 'instore/S012/2026-11-24/0009-2.heic', contentType: 'image/heic' },
    ],
    occurredAt: '2026-11-24T10:05:00+00:00',
    locale: 'en-GB',
  },
  'chinese-loyalty-only': {
    schemaVersion: 1,
    storeId: 'S031',
    staffId: 'staff-2203',
    receiptOrTicketNumber: '031-88412',
    customer: { name: '李四', loyaltyId: '8800123456' },
    category: 'praise',
    description: '收银员非常耐心，帮我找回了遗失的钱包，特此表扬。',
    occurredAt: '2026-11-25T19:20:00+08:00',
    locale: 'zh-CN',
  },
} satisfies Record<string, InstoreTicketV1>;
