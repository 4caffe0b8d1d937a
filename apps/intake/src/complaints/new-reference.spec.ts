import { isReference, REFERENCE_ALPHABET } from '@app/domain';
import { newReference } from './new-reference';

describe('newReference', () => {
  it('draws well-formed references that do not repeat and use the whole alphabet', () => {
    const drawn = Array.from({ length: 2000 }, () => newReference());

    expect(drawn.every(isReference)).toBe(true);
    expect(new Set(drawn).size).toBe(drawn.length);
    const used = new Set(drawn.flatMap((reference) => [...reference.slice('C-'.length).replace('-', '')]));
    expect([...REFERENCE_ALPHABET].filter((character) => !used.has(character))).toEqual([]);
  });
});
