import { Type, type Static } from '@sinclair/typebox';
import { createChannelDocumentCodec, type ChannelDecodeResult } from '../channel-codec';
import {
  CategoryCode,
  Description,
  EmailAddressText,
  LocaleTag,
  LoyaltyIdText,
  PhoneNumberText,
  SeverityField,
  SystemId,
  Timestamp,
  timestampErrors,
  TypedText,
} from '../channel-fields.schema';

/** Messages on `complaints.channel.instore` larger than this are dead-lettered as `too_large`. */
export const INSTORE_TICKET_MAX_BYTES = 64 * 1024;

export const INSTORE_TICKET_MAX_PHOTOS = 20;

export const InstorePhotoSchema = Type.Object(
  {
    url: Type.Optional(Type.String({ format: 'uri', maxLength: 2000, pattern: '^https?://' })),
    storageKey: Type.Optional(
      Type.String({
        description: "The photo's key in the stores' object storage, when it has no URL.",
        minLength: 1,
        maxLength: 500,
        pattern: '^[!-~]+$',
      }),
    ),
    contentType: Type.Optional(Type.String({ maxLength: 100, pattern: '^image/[a-z0-9.+-]+$' })),
    sizeBytes: Type.Optional(Type.Integer({ minimum: 0, maximum: 50 * 1024 * 1024 })),
  },
  {
    description: 'A photo the tablet uploaded beforehand: its URL or its storage key.',
    additionalProperties: false,
    anyOf: [{ required: ['url'] }, { required: ['storageKey'] }],
  },
);

export type InstorePhoto = Static<typeof InstorePhotoSchema>;

export const InstoreCustomerSchema = Type.Object(
  {
    name: Type.Optional(TypedText(200)),
    phone: Type.Optional(PhoneNumberText),
    email: Type.Optional(EmailAddressText),
    loyaltyId: Type.Optional(LoyaltyIdText),
  },
  {
    description: 'How to reach the customer: at least one of phone, email and loyaltyId, which identify them.',
    additionalProperties: false,
    anyOf: [{ required: ['phone'] }, { required: ['email'] }, { required: ['loyaltyId'] }],
  },
);

export type InstoreCustomer = Static<typeof InstoreCustomerSchema>;

/**
 * A complaint raised in a store, as a store tablet or POS publishes it on `complaints.channel.instore`.
 * The staff member who took it is the complaint's first responder; the store and the receipt (or
 * ticket) number together identify it, so a re-sent ticket is not a second complaint.
 */
export const InstoreTicketV1Schema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    storeId: SystemId(64, { description: 'The store the complaint was raised in.' }),
    staffId: SystemId(200, {
      description: 'The staff member who took the complaint: the first responder, who owns the complaint.',
    }),
    receiptOrTicketNumber: TypedText(100, {
      description:
        "The purchase receipt number, or the store's own ticket number when there is none; with storeId it " +
        'identifies the complaint, so a re-sent ticket is not a second one.',
    }),
    customer: InstoreCustomerSchema,
    category: CategoryCode,
    severity: Type.Optional(SeverityField),
    description: Description,
    photos: Type.Optional(Type.Array(InstorePhotoSchema, { maxItems: INSTORE_TICKET_MAX_PHOTOS })),
    occurredAt: Timestamp('When the customer raised the complaint in the store (RFC 3339, with a time zone).'),
    locale: Type.Optional(LocaleTag),
  },
  {
    title: 'In-store ticket, version 1',
    description: 'A complaint raised in a store, published on complaints.channel.instore.',
    additionalProperties: false,
  },
);

export type InstoreTicketV1 = Static<typeof InstoreTicketV1Schema>;

const instoreTicketCodec = createChannelDocumentCodec({
  name: 'in-store ticket',
  schemaVersion: 1,
  schema: InstoreTicketV1Schema,
  maxBytes: INSTORE_TICKET_MAX_BYTES,
  check: (ticket) => timestampErrors('/occurredAt', ticket.occurredAt),
});

/**
 * Decodes a `complaints.channel.instore` message value. Never throws; failure codes: `too_large`,
 * `not_utf8`, `not_json`, `unknown_schema_version`, `invalid_document` (every field error with its
 * path), `no_text` (description empty after trimming).
 */
export function decodeInstoreTicket(bytes: Buffer | null): ChannelDecodeResult<InstoreTicketV1> {
  return instoreTicketCodec.decode(bytes);
}

/** Validates an already-parsed in-store ticket, with the same failure codes as decodeInstoreTicket. */
export function validateInstoreTicket(candidate: unknown): ChannelDecodeResult<InstoreTicketV1> {
  return instoreTicketCodec.validate(candidate);
}

/** The message value for an in-store ticket; throws InvalidChannelDocumentError if it would be refused. */
export function encodeInstoreTicket(ticket: InstoreTicketV1): Buffer {
  return instoreTicketCodec.encode(ticket);
}
