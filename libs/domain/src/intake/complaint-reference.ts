/**
 * Complaint references: short, readable over the phone, and not guessable in sequence. Two groups of
 * four characters from an alphabet without 0/O and 1/I, e.g. `C-7K4Q-2M9D`: 32^8 = 2^40 values, drawn
 * at random, so neighbouring references say nothing about each other. Uniqueness is the store's job:
 * a new reference collides with probability (references already issued) / 2^40, one in a million at a
 * million complaints; the unique constraint catches it and the caller draws again.
 */

/** 2-9 and A-Z without I and O. */
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

const GROUP_LENGTH = 4;
const GROUPS = 2;
const CODE_LENGTH = GROUP_LENGTH * GROUPS;
const CHARACTER = '[2-9A-HJ-NP-Z]';

/** The same pattern as the `reference` field of complaint.received in libs/contracts. */
export const REFERENCE_PATTERN = new RegExp(`^C-${CHARACTER}{${GROUP_LENGTH}}-${CHARACTER}{${GROUP_LENGTH}}$`);

const REFERENCE_IN_TEXT = new RegExp(
  `(?<![A-Za-z0-9])C-(${CHARACTER}{${GROUP_LENGTH}})-(${CHARACTER}{${GROUP_LENGTH}})(?![A-Za-z0-9])`,
  'i',
);

// Bytes at or above this would make some characters likelier than others; they are drawn again.
// With a 32-character alphabet it is 256, so no byte is ever rejected, but the rule keeps the draw
// unbiased if the alphabet changes.
const ACCEPT_BELOW = 256 - (256 % REFERENCE_ALPHABET.length);

/**
 * A new random reference. `randomBytes` is the source of randomness (node's `crypto.randomBytes` in
 * production, a fixed sequence in tests); every character is drawn uniformly from the alphabet by
 * rejection sampling.
 */
export function generateReference(randomBytes: (n: number) => Uint8Array): string {
  const characters: string[] = [];
  while (characters.length < CODE_LENGTH) {
    const bytes = randomBytes(CODE_LENGTH - characters.length);
    if (bytes.length === 0) throw new RangeError('randomBytes returned no bytes');
    for (const byte of bytes) {
      if (byte >= ACCEPT_BELOW) continue;
      characters.push(REFERENCE_ALPHABET.charAt(byte % REFERENCE_ALPHABET.length));
      if (characters.length === CODE_LENGTH) break;
    }
  }
  return `C-${characters.slice(0, GROUP_LENGTH).join('')}-${characters.slice(GROUP_LENGTH).join('')}`;
}

/** Whether `text` is a reference in its canonical form (upper case, nothing around it). */
export function isReference(text: string): boolean {
  return REFERENCE_PATTERN.test(text);
}

/**
 * The canonical form of a reference as a person typed it (`c-7k4q-2m9d ` becomes `C-7K4Q-2M9D`), or
 * null when it is not one.
 */
export function normaliseReference(text: string): string | null {
  const candidate = text.trim().toUpperCase();
  return isReference(candidate) ? candidate : null;
}

/**
 * The reference an email subject carries, in any case and wherever it stands, e.g.
 * `Re: [c-7k4q-2m9d] my kettle` gives `C-7K4Q-2M9D`; null when there is none. When a subject carries
 * several, the first one counts.
 */
export function findReferenceInSubject(subject: string): string | null {
  const match = REFERENCE_IN_TEXT.exec(subject);
  if (match === null) return null;
  return `C-${match[1]}-${match[2]}`.toUpperCase();
}
