const NUL = /\u0000/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text as PostgreSQL can store it: without NUL characters, which a `text` column refuses, and with
 * every lone UTF-16 surrogate, which `jsonb` refuses, replaced by U+FFFD. Both are valid in a JSON
 * string and both come out of careless charset conversions; neither is worth losing a complaint over.
 */
export function storableText(text: string): string {
  return text.replace(NUL, '').replace(LONE_SURROGATE, '\ufffd');
}

/** At most `maxLength` UTF-16 units, never ending in half a surrogate pair. */
export function truncateText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, maxLength);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}
