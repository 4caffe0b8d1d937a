import { storableText, truncateText } from './storable-text.util';

describe('storableText', () => {
  it.each([
    ['NUL characters', 'a\u0000b\u0000', 'ab'],
    ['a lone high surrogate', 'a\ud83d', 'a\ufffd'],
    ['a lone low surrogate', '\ude1eb', '\ufffdb'],
    ['surrogates in the wrong order', '\ude1e\ud83d', '\ufffd\ufffd'],
  ])('removes or replaces %s', (_case, text, expected) => {
    expect(storableText(text)).toBe(expected);
  });

  it('leaves well-formed text, emoji and control characters other than NUL alone', () => {
    expect(storableText('Kettle 😞\t\r\n\u0001 水壶')).toBe('Kettle 😞\t\r\n\u0001 水壶');
  });
});

describe('truncateText', () => {
  it('keeps text within the limit as it is', () => {
    expect(truncateText('kettle', 6)).toBe('kettle');
  });

  it('cuts before a character it would split', () => {
    expect(truncateText('ab😞', 3)).toBe('ab');
    expect(truncateText('ab😞c', 4)).toBe('ab😞');
  });
});
