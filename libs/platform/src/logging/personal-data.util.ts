/**
 * Masking of personal data (email addresses and phone numbers) in free text and in log records.
 *
 * Complaints carry customers' phone numbers and email addresses, and they end up in messages, URLs,
 * error texts and objects that somebody decides to log. Masking is applied to every log line as it is
 * written, so it does not depend on the caller remembering to do it.
 *
 * The phone rule is deliberately greedy (any run of 7 or more digits, of any script, that may be
 * split by spaces, dashes, dots, parentheses or `+`): hiding an order number by mistake costs less
 * than leaking a phone number. What it must not do is damage the identifiers every log line is full
 * of, so:
 * - a run never starts or ends inside a word: digits touching a letter, a digit or an underscore, or
 *   joined to one by a dash or a dot, belong to a token (hex ids, UUID groups, `2026-11-23T10:00`,
 *   `topic-3`) and are left alone;
 * - UUIDs, ISO-8601 dates and date-times, day.month.year dates and IPv4 addresses are matched first
 *   and copied unchanged.
 * Numbers that are JSON numbers (not strings) are never masked: counters, durations and offsets
 * should be logged as numbers.
 */

const WORD = String.raw`[\p{L}\p{N}_]`;
/** Not preceded by a word character, nor by a word character followed by a dash or a dot. */
const START = String.raw`(?<!${WORD}|${WORD}[.\-])`;
/** Not followed by a word character, nor by a dash or a dot followed by one. */
const END = String.raw`(?!${WORD}|[.\-]${WORD})`;

const UUID = String.raw`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`;
const ISO_DATE_TIME = String.raw`\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+\-]\d{2}(?::?\d{2})?)?)?`;
const DAY_MONTH_YEAR = String.raw`(?:0?[1-9]|[12]\d|3[01])[.\-](?:0?[1-9]|1[0-2])[.\-](?:19|20)\d{2}`;
const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV4 = String.raw`${OCTET}(?:\.${OCTET}){3}`;
const KEPT = `${START}(?:${UUID}|${ISO_DATE_TIME}|${DAY_MONTH_YEAR}|${IPV4})${END}`;

/** Local part (including plus-addressing), then a dotted domain whose last label is alphabetic. */
const EMAIL = String.raw`[\p{L}\p{N}._%+\-]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?\.)+\p{L}{2,}`;

/**
 * A decimal digit of any script: customers typing with a CJK input method send full-width digits
 * (`０７４００ １２３４５６`), which phone libraries read like ASCII ones.
 */
const DIGIT = String.raw`\p{Nd}`;

/** Space, no-break and ideographic space, dash, dot, parentheses and `+` (a space in a form-encoded query), and their full-width forms. */
const PHONE_SEPARATOR = String.raw`[ \u00A0\u3000().\-+\uFF08\uFF09\uFF0D\uFF0E\uFF0B]`;

/**
 * An optional `+` or `(`, then 7 to 20 digits with at most three separators between two digits. The
 * upper bound keeps backtracking cheap on long digit strings, which are not phone numbers.
 */
const PHONE = String.raw`${START}[+(\uFF0B\uFF08]?${DIGIT}(?:${PHONE_SEPARATOR}{0,3}${DIGIT}){6,19}${END}`;

const PERSONAL_DATA = new RegExp(`(${KEPT})|(${EMAIL})|(${PHONE})`, 'gu');

const KEPT_DIGITS = 2;

function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const topLevel = domain.slice(domain.lastIndexOf('.') + 1);
  return `${Array.from(local)[0] ?? ''}***@${Array.from(domain)[0] ?? ''}***.${topLevel}`;
}

const IS_DIGIT = /^\p{Nd}$/u;

function maskPhone(phone: string): string {
  let digitsLeft = Array.from(phone).filter((char) => IS_DIGIT.test(char)).length;
  let masked = '';
  for (const char of phone) {
    if (IS_DIGIT.test(char)) {
      masked += digitsLeft > KEPT_DIGITS ? '*' : char;
      digitsLeft -= 1;
    } else {
      masked += char;
    }
  }
  return masked;
}

const PERCENT_ENCODED = /(?:%[0-9A-Fa-f]{2})+/g;

function percentDecoded(text: string): string {
  return text.replace(PERCENT_ENCODED, (sequence) => {
    try {
      return decodeURIComponent(sequence);
    } catch {
      return sequence;
    }
  });
}

function maskText(text: string): string {
  return text.replace(
    PERSONAL_DATA,
    (match: string, kept: string | undefined, email: string | undefined): string => {
      if (kept !== undefined) return match;
      if (email !== undefined) return maskEmail(match);
      return maskPhone(match);
    },
  );
}

/**
 * Masks every email address (`jane.doe+x@example.com` -> `j***@e***.com`) and phone number
 * (`+33 6 12 34 56 78` -> `+** * ** ** ** 78`) in a text, percent-encoded ones included. Pure; masking
 * a masked text changes nothing.
 */
export function maskPersonalData(text: string): string {
  // The shortest email address (a@b.cd) has six characters, the shortest phone number seven.
  if (text.length < 6) return text;
  // URLs carry `jane%40example.com` and `%2B33612345678`: look at the decoded text too, and when it
  // holds personal data log the decoded, masked form.
  if (text.includes('%')) {
    const decoded = percentDecoded(text);
    if (decoded !== text) {
      const masked = maskText(decoded);
      if (masked !== decoded) return masked;
    }
  }
  return maskText(text);
}

/** A value as JSON.parse returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Masks every string in a JSON value, object keys included, at any depth. */
export function maskJsonValue(value: JsonValue): JsonValue {
  if (typeof value === 'string') return maskPersonalData(value);
  if (Array.isArray(value)) return value.map(maskJsonValue);
  if (value !== null && typeof value === 'object') {
    const masked: { [key: string]: JsonValue } = {};
    for (const [key, inner] of Object.entries(value)) masked[maskPersonalData(key)] = maskJsonValue(inner);
    return masked;
  }
  return value;
}

/**
 * Masks one serialised log line (a JSON object and a newline, as pino writes it). This runs on the
 * final line rather than on the arguments of a log call, so the message, the merged object, child
 * bindings (such as the request URL), serialised errors and their stacks are all covered.
 */
export function maskLogLine(line: string): string {
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(line) as JsonValue;
  } catch {
    // Not JSON (should not happen with pino): mask the raw text rather than let it through.
    return maskPersonalData(line);
  }
  return `${JSON.stringify(maskJsonValue(parsed))}\n`;
}
