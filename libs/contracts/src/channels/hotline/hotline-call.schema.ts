import { Type, type Static } from '@sinclair/typebox';
import { COMPLAINT_REFERENCE_PATTERN } from '../../events/complaint-received/complaint-received.schema';
import { createChannelDocumentCodec, type ChannelDecodeResult } from '../channel-codec';
import {
  CategoryCode,
  Description,
  EmailAddressText,
  LocaleTag,
  LoyaltyIdText,
  PhoneNumberText,
  SeverityField,
  Subject,
  SystemId,
  Timestamp,
  timestampErrors,
} from '../channel-fields.schema';

/** Messages on `complaints.channel.hotline` larger than this are dead-lettered as `too_large`. */
export const HOTLINE_CALL_MAX_BYTES = 64 * 1024;

export const HOTLINE_CALL_SOURCES = ['telephony', 'api'] as const;
export type HotlineCallSource = (typeof HOTLINE_CALL_SOURCES)[number];

/**
 * A complaint taken on the 24-hour hotline, as the telephony system (or the intake API, on behalf of
 * the agent who called it) publishes it on `complaints.channel.hotline`. The agent who took the call
 * is the complaint's first responder.
 */
export const HotlineCallV1Schema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    callId: SystemId(200, {
      description:
        "The telephony system's id of the call, or an id the intake API gives the request. Unless an " +
        'idempotencyKey is given it identifies the complaint, so a re-sent call is not a second one.',
    }),
    source: Type.Union(
      HOTLINE_CALL_SOURCES.map((source) => Type.Literal(source)),
      { description: 'Who published the document: the telephony system or the intake API.' },
    ),
    idempotencyKey: Type.Optional(
      SystemId(200, {
        description: "Only from the intake API: the client's Idempotency-Key, which then identifies the complaint.",
      }),
    ),
    complaintId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'Only from the intake API: the complaint id it already answered the agent with, so the stored ' +
          'complaint is the one the agent was told about.',
      }),
    ),
    reference: Type.Optional(
      Type.String({
        pattern: COMPLAINT_REFERENCE_PATTERN,
        description: 'Only from the intake API: the reference it already gave the agent, e.g. C-7K4Q-2M9D.',
      }),
    ),
    callerNumber: PhoneNumberText,
    callerEmail: Type.Optional(EmailAddressText),
    loyaltyId: Type.Optional(LoyaltyIdText),
    agentId: SystemId(200, {
      description: 'The agent who took the call: the first responder, who owns the complaint.',
    }),
    storeId: Type.Optional(SystemId(64, { description: 'The store the complaint concerns, if any.' })),
    category: CategoryCode,
    severity: Type.Optional(SeverityField),
    subject: Type.Optional(Subject),
    description: Description,
    callStartedAt: Timestamp('When the call started (RFC 3339, with a time zone).'),
    locale: Type.Optional(LocaleTag),
  },
  {
    title: 'Hotline call, version 1',
    description: 'A complaint taken on the 24-hour hotline, published on complaints.channel.hotline.',
    additionalProperties: false,
  },
);

export type HotlineCallV1 = Static<typeof HotlineCallV1Schema>;

const hotlineCallCodec = createChannelDocumentCodec({
  name: 'hotline call',
  schemaVersion: 1,
  schema: HotlineCallV1Schema,
  maxBytes: HOTLINE_CALL_MAX_BYTES,
  check: (call) => timestampErrors('/callStartedAt', call.callStartedAt),
});

/**
 * Decodes a `complaints.channel.hotline` message value. Never throws; failure codes: `too_large`,
 * `not_utf8`, `not_json`, `unknown_schema_version`, `invalid_document` (every field error with its
 * path), `no_text` (description empty after trimming).
 */
export function decodeHotlineCall(bytes: Buffer | null): ChannelDecodeResult<HotlineCallV1> {
  return hotlineCallCodec.decode(bytes);
}

/** Validates an already-parsed hotline call, with the same failure codes as decodeHotlineCall. */
export function validateHotlineCall(candidate: unknown): ChannelDecodeResult<HotlineCallV1> {
  return hotlineCallCodec.validate(candidate);
}

/** The message value for a hotline call; throws InvalidChannelDocumentError if it would be refused. */
export function encodeHotlineCall(call: HotlineCallV1): Buffer {
  return hotlineCallCodec.encode(call);
}
