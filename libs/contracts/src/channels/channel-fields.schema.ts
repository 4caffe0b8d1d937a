import { Type, type SchemaOptions } from '@sinclair/typebox';
import { SEVERITIES } from '../events/common.schema';
import type { FieldError } from './channel-codec';

/**
 * Field shapes shared by the JSON channel documents (hotline, in-store). They describe what a channel
 * system may send; normalising it (E.164 phone numbers, lower-cased email) is intake's job, so values
 * typed by people (phone numbers, receipt numbers) are accepted loosely here.
 */

/** An id issued by a machine (call id, agent id, store id): printable ASCII, no spaces. */
export const SystemId = (maxLength: number, options: SchemaOptions = {}) =>
  Type.String({ ...options, minLength: 1, maxLength, pattern: '^[!-~]+$' });

/** A value typed by a person: no leading or trailing whitespace, no line breaks. */
export const TypedText = (maxLength: number, options: SchemaOptions = {}) =>
  Type.String({ ...options, minLength: 1, maxLength, pattern: '^\\S(?:.*\\S)?$' });

/** A category code such as `product_quality`: lower-case, so categories compare across channels. */
export const CategoryCode = Type.String({
  description: 'Category code, lower-case, e.g. product_quality, service, food_safety, praise, suggestion.',
  minLength: 1,
  maxLength: 100,
  pattern: '^[a-z][a-z0-9_-]*$',
});

/**
 * The complaint text. It must contain something other than whitespace; a document whose only problem
 * is an empty description is reported as `no_text` rather than `invalid_document`.
 */
export const DESCRIPTION_MAX_LENGTH = 20_000;
export const Description = Type.String({
  description: 'The complaint in the words of the customer or of the person who took it; plain text.',
  minLength: 1,
  maxLength: DESCRIPTION_MAX_LENGTH,
  pattern: '\\S',
});

/** A phone number as dialled or typed: digits, spaces, `+`, brackets, dots, dashes and slashes. */
export const PhoneNumberText = Type.String({
  description: 'As dialled or typed; intake normalises it to E.164 with its configured default region.',
  minLength: 3,
  maxLength: 40,
  pattern: '^[0-9+() ./-]+$',
});

export const EmailAddressText = Type.String({ format: 'email', maxLength: 254 });

/** A loyalty card number as printed or typed; spaces inside are allowed and removed when normalised. */
export const LoyaltyIdText = TypedText(64, { description: 'Loyalty card number; spaces are ignored.' });

/** A BCP 47 language tag such as `en-GB` or `zh-Hans-CN`. */
export const LocaleTag = Type.String({
  description: 'BCP 47 language tag of the customer, e.g. en-GB, zh-CN.',
  maxLength: 35,
  pattern: '^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$',
});

export const Subject = Type.String({ maxLength: 500 });

export const Timestamp = (description: string) => Type.String({ description, format: 'date-time' });

const LEAP_SECOND = /^(.+[Tt ]\d{2}:\d{2}):60(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
// PostgreSQL has no year 0, and events write instants as ISO strings with four-digit years.
const FIRST_INSTANT_MS = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_INSTANT_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * The instant a `date-time` field names, or null when it names none intake can store (before year 1
 * or after 9999, UTC). JavaScript dates have no leap seconds, so a leap second (`23:59:60`, which
 * RFC 3339 allows) is read as the last millisecond of the minute before it.
 */
export function timestampInstant(value: string): Date | null {
  const leap = LEAP_SECOND.exec(value);
  const ms = leap === null ? Date.parse(value) : Date.parse(`${leap[1]}:59.999${leap[2]}`);
  return Number.isNaN(ms) || ms < FIRST_INSTANT_MS || ms > LAST_INSTANT_MS ? null : new Date(ms);
}

/** The error of a `date-time` field that timestampInstant cannot read, for a codec's `check`. */
export function timestampErrors(path: string, value: string): FieldError[] {
  return timestampInstant(value) === null ? [{ path, message: 'must be an instant between the years 0001 and 9999 (UTC)' }] : [];
}

export const SeverityField = Type.Union(
  SEVERITIES.map((severity) => Type.Literal(severity)),
  { description: 'When left out, intake derives it from the category and the text by documented rules.' },
);
