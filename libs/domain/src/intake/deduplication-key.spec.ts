import { dedupKey } from './deduplication-key';

describe('dedupKey', () => {
  it('keys each channel by its natural id', () => {
    expect(dedupKey('hotline', { callId: 'cti-000417' })).toBe('hotline:cti-000417');
    expect(dedupKey('email', { messageId: 'abc.123@mail.example' })).toBe('email:abc.123@mail.example');
    expect(dedupKey('instore', { storeId: 'S007', receiptOrTicketNumber: 'R-0456' })).toBe('instore:S007:R-0456');
    expect(dedupKey('api', { idempotencyKey: '0b8e7f4a-5c2d' })).toBe('api:0b8e7f4a-5c2d');
  });

  it('trims every part and keeps the case of machine-issued ids', () => {
    expect(dedupKey('hotline', { callId: ' Call-AbC ' })).toBe('hotline:Call-AbC');
    expect(dedupKey('api', { idempotencyKey: '\tKey-AbC\n' })).toBe('api:Key-AbC');
    expect(dedupKey('email', { messageId: ' AbC@Mail.Example ' })).toBe('email:AbC@Mail.Example');
  });

  it('gives a Message-ID the same key with or without its angle brackets', () => {
    expect(dedupKey('email', { messageId: '<abc@mail.example>' })).toBe(
      dedupKey('email', { messageId: 'abc@mail.example' }),
    );
  });

  it('upper-cases and removes whitespace from ids people type', () => {
    expect(dedupKey('instore', { storeId: ' s007 ', receiptOrTicketNumber: 'r 0042 77' })).toBe(
      dedupKey('instore', { storeId: 'S007', receiptOrTicketNumber: 'R004277' }),
    );
  });

  it('cannot be made ambiguous by a colon inside a part', () => {
    const a = dedupKey('instore', { storeId: 'S1:R', receiptOrTicketNumber: '2' });
    const b = dedupKey('instore', { storeId: 'S1', receiptOrTicketNumber: 'R:2' });
    expect(a).not.toBe(b);
    expect(a).toBe('instore:S1%3AR:2');
    expect(dedupKey('hotline', { callId: '100%:x' })).toBe('hotline:100%25%3Ax');
  });

  it('keys different channels apart even for the same id', () => {
    expect(dedupKey('hotline', { callId: 'x1' })).not.toBe(dedupKey('api', { idempotencyKey: 'x1' }));
  });

  it('refuses an empty part', () => {
    expect(() => dedupKey('hotline', { callId: '  ' })).toThrow(RangeError);
    expect(() => dedupKey('email', { messageId: '<>' })).toThrow(RangeError);
    expect(() => dedupKey('instore', { storeId: 'S007', receiptOrTicketNumber: ' ' })).toThrow(RangeError);
  });
});
