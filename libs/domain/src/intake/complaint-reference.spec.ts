import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { COMPLAINT_REFERENCE_PATTERN } from '@app/contracts';
import {
  REFERENCE_ALPHABET,
  REFERENCE_PATTERN,
  findReferenceInSubject,
  generateReference,
  isReference,
  normaliseReference,
} from './complaint-reference';

/** A randomness source that hands out the given bytes in order. */
function bytesFrom(sequence: readonly number[]): (n: number) => Uint8Array {
  let next = 0;
  return (n) => {
    const bytes = Uint8Array.from(sequence.slice(next, next + n));
    next += bytes.length;
    return bytes;
  };
}

describe('complaint reference', () => {
  it('uses 32 characters, without 0, O, 1 and I', () => {
    expect(REFERENCE_ALPHABET).toHaveLength(32);
    expect(new Set(REFERENCE_ALPHABET).size).toBe(32);
    expect(REFERENCE_ALPHABET).not.toMatch(/[01IO]/);
  });

  it('is the same format as complaint.received declares', () => {
    expect(REFERENCE_PATTERN.source).toBe(COMPLAINT_REFERENCE_PATTERN);
  });

  it('maps bytes onto the alphabet in order', () => {
    expect(generateReference(bytesFrom([0, 1, 2, 3, 28, 29, 30, 31]))).toBe('C-2345-WXYZ');
    // 32 and 63 fall on the same characters as 0 and 31: 256 is a multiple of 32, so no byte is rejected.
    expect(generateReference(bytesFrom([32, 63, 255, 224, 5, 6, 7, 8]))).toBe('C-2ZZ2-789A');
  });

  it('asks again until it has eight characters', () => {
    const calls: number[] = [];
    const source = bytesFrom([9, 9, 9, 9, 9, 9, 9, 9]);
    const stingy = (n: number) => {
      calls.push(n);
      return source(Math.min(n, 3));
    };
    expect(generateReference(stingy)).toBe('C-BBBB-BBBB');
    expect(calls).toEqual([8, 5, 2]);
  });

  it('refuses a source that returns no bytes rather than looping', () => {
    expect(() => generateReference(() => new Uint8Array(0))).toThrow(RangeError);
  });

  it('always gives a reference that matches the event schema and has no forbidden character', () => {
    const eventPattern = new RegExp(COMPLAINT_REFERENCE_PATTERN);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), (bytes) => {
        const reference = generateReference(bytesFrom([...bytes]));
        expect(reference).toMatch(eventPattern);
        expect(isReference(reference)).toBe(true);
        expect(reference.slice(2)).not.toMatch(/[01IO]/);
      }),
    );
  });

  it('draws every character uniformly', () => {
    // A deterministic stand-in for crypto.randomBytes (SHA-256 in counter mode), so the test cannot flake.
    let counter = 0;
    const pseudoRandomBytes = (n: number) => {
      counter += 1;
      return createHash('sha256').update(String(counter)).digest().subarray(0, n);
    };
    const counts = new Map<string, number>();
    const draws = 4_000;
    for (let i = 0; i < draws; i += 1) {
      for (const character of generateReference(pseudoRandomBytes).replace(/^C-|-/g, '')) {
        counts.set(character, (counts.get(character) ?? 0) + 1);
      }
    }
    expect(counts.size).toBe(32);
    // 32,000 characters, 1,000 expected of each. Over 31 degrees of freedom a chi-square above 70 has
    // a probability below one in ten thousand for a uniform draw; a biased mapping lands far above.
    const expected = (draws * 8) / 32;
    const chiSquare = [...counts.values()].reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(70);
  });

  it.each(['C-7K4Q-2M9D', 'C-2222-ZZZZ'])('recognises %s', (reference) => {
    expect(isReference(reference)).toBe(true);
  });

  it.each([
    'c-7k4q-2m9d',
    'C-7K4Q-2M9',
    'C-7K4Q-2M9DX',
    'C-0K4Q-2M9D',
    'C-7K4O-2M9D',
    'C-1K4Q-2M9D',
    'C-IK4Q-2M9D',
    ' C-7K4Q-2M9D',
    'X-7K4Q-2M9D',
  ])('does not take %j for a canonical reference', (text) => {
    expect(isReference(text)).toBe(false);
  });

  it('normalises a reference a person typed', () => {
    expect(normaliseReference(' c-7k4q-2m9d ')).toBe('C-7K4Q-2M9D');
    expect(normaliseReference('c-7k4o-2m9d')).toBeNull();
  });

  it.each([
    ['Re: [C-7K4Q-2M9D] my kettle', 'C-7K4Q-2M9D'],
    ['RE: re: [c-7k4q-2m9d] my kettle', 'C-7K4Q-2M9D'],
    ['Your complaint C-7K4Q-2M9D', 'C-7K4Q-2M9D'],
    ['(C-7K4Q-2M9D)', 'C-7K4Q-2M9D'],
    ['回复：[C-7K4Q-2M9D] 我的电水壶坏了', 'C-7K4Q-2M9D'],
    ['first C-2222-3333 then C-4444-5555', 'C-2222-3333'],
  ])('finds the reference in %j', (subject, reference) => {
    expect(findReferenceInSubject(subject)).toBe(reference);
  });

  it.each([
    'My kettle',
    'Order C-7K4Q-2M9 arrived late',
    'ABC-7K4Q-2M9D',
    'C-7K4Q-2M9D7',
    'C-7K4Q-2M0D',
    'C-7K4I-2M9D',
    'c-7k4i-2m9d',
    '',
  ])('finds no reference in %j', (subject) => {
    expect(findReferenceInSubject(subject)).toBeNull();
  });
});
