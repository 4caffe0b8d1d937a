import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * How one customer is recognised across channels: the same normalised phone number, email address or
 * loyalty id means the same customer (DESIGN §2). Every channel's contact goes through these
 * functions, so the hotline's caller number and the in-store tablet's typed number meet as one key.
 */

/** An ISO 3166-1 alpha-2 region libphonenumber knows, e.g. `GB`: how a national number is read. */
export type PhoneRegion = CountryCode;

export function isPhoneRegion(region: string): region is PhoneRegion {
  return isSupportedCountry(region);
}

/**
 * The latest numbers normalised, oldest first. Validation against the full metadata is the costliest
 * step of taking a complaint, and the same text comes twice within moments: the API checks an agent's
 * caller number, then intake's consumer normalises it again when it stores the complaint.
 */
const recentPhones = new Map<string, string | null>();
const RECENT_PHONES = 1024;

/**
 * The E.164 form of a phone number (`+442079460018`), or null when it is not a valid number. A number
 * without a country code is read as a number of `defaultRegion`. An extension is dropped: it reaches
 * the same customer. Validity uses the full metadata, so a well-formed number in a range that is not
 * allocated (such as the 07700 900xxx drama range) is refused rather than becoming an identity.
 */
export function normalisePhone(raw: string, defaultRegion: PhoneRegion): string | null {
  const trimmed = raw.trim();
  if (trimmed === '' || trimmed.length > 64) return null;
  const key = `${defaultRegion} ${trimmed}`;
  const known = recentPhones.get(key);
  if (known !== undefined) return known;
  // extract: false refuses text around the number instead of fishing a number out of it.
  const parsed = parsePhoneNumberFromString(trimmed, { defaultCountry: defaultRegion, extract: false });
  const normalised = parsed !== undefined && parsed.isValid() ? parsed.number : null;
  if (recentPhones.size >= RECENT_PHONES) recentPhones.delete(recentPhones.keys().next().value as string);
  recentPhones.set(key, normalised);
  return normalised;
}

// One @, something on each side, a dot in the domain, no whitespace: enough to catch typing mistakes
// without refusing the unusual addresses real mail systems deliver to.
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/u;

/**
 * An email address trimmed and lower-cased, or null when it is not one. The local part is lower-cased
 * too: mail systems that treat it case-sensitively are too rare to split one customer in two.
 */
export function normaliseEmail(raw: string): string | null {
  const candidate = raw.trim().toLowerCase();
  if (candidate.length > 254 || !EMAIL.test(candidate)) return null;
  return candidate;
}

/** A loyalty id without whitespace, upper-cased (staff read cards aloud and type them), or null if empty. */
export function normaliseLoyaltyId(raw: string): string | null {
  const candidate = raw.replace(/\s+/gu, '').toUpperCase();
  return candidate === '' || candidate.length > 64 ? null : candidate;
}

export interface CustomerContactInput {
  readonly phone?: string | null;
  readonly email?: string | null;
  readonly loyaltyId?: string | null;
}

export type CustomerKey = `phone:${string}` | `email:${string}` | `loyalty:${string}`;

/**
 * The identity keys of a contact, in the order phone, email, loyalty id: `phone:+442079460018`,
 * `email:jane@example.com`, `loyalty:LC00991234`. A value that does not normalise gives no key, so an
 * empty list means the customer cannot be recognised. Two contacts belong to the same customer when
 * their keys overlap.
 */
export function customerKeys(contact: CustomerContactInput, defaultRegion: PhoneRegion): CustomerKey[] {
  return identityKeys(normaliseContact(contact, defaultRegion));
}

export interface NormalisedContact {
  readonly phone: string | null;
  readonly email: string | null;
  readonly loyaltyId: string | null;
}

/** Each part of a contact normalised (null where it does not normalise). */
export function normaliseContact(contact: CustomerContactInput, defaultRegion: PhoneRegion): NormalisedContact {
  return {
    phone: contact.phone ? normalisePhone(contact.phone, defaultRegion) : null,
    email: contact.email ? normaliseEmail(contact.email) : null,
    loyaltyId: contact.loyaltyId ? normaliseLoyaltyId(contact.loyaltyId) : null,
  };
}

/** The identity keys of a contact already normalised: parsing a phone number is not free. */
export function identityKeys(contact: NormalisedContact): CustomerKey[] {
  const keys: CustomerKey[] = [];
  if (contact.phone !== null) keys.push(`phone:${contact.phone}`);
  if (contact.email !== null) keys.push(`email:${contact.email}`);
  if (contact.loyaltyId !== null) keys.push(`loyalty:${contact.loyaltyId}`);
  return keys;
}
