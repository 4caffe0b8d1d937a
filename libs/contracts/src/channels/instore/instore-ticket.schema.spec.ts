import { channelMessage, instoreTicket } from '@app/testing/channel-factories';
import { INSTORE_TICKET_EXAMPLES } from './instore-ticket.examples';
import {
  INSTORE_TICKET_MAX_BYTES,
  INSTORE_TICKET_MAX_PHOTOS,
  decodeInstoreTicket,
  encodeInstoreTicket,
  validateInstoreTicket,
} from './instore-ticket.schema';

function failureOf(bytes: Buffer | null) {
  const result = decodeInstoreTicket(bytes);
  if (result.ok) throw new Error(`expected a failure, decoded ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('in-store ticket', () => {
  it.each(Object.entries(INSTORE_TICKET_EXAMPLES))('decodes the published example %s', (_name, example) => {
    expect(decodeInstoreTicket(channelMessage(example))).toEqual({ ok: true, value: example });
  });

  it('round-trips through encode and decode', () => {
    const ticket = instoreTicket({
      customer: { name: 'Jane Doe', email: 'jane@example.com' },
      photos: [{ storageKey: 'instore/S007/1.jpg', contentType: 'image/jpeg', sizeBytes: 1200 }],
    });
    expect(decodeInstoreTicket(encodeInstoreTicket(ticket))).toEqual({ ok: true, value: ticket });
  });

  it.each([
    ['phone', { phone: '07911 123456' }],
    ['email', { email: 'jane@example.com' }],
    ['loyalty id', { loyaltyId: 'LC 0042' }],
  ])('accepts a customer reachable by %s alone', (_field, customer) => {
    expect(validateInstoreTicket(instoreTicket({ customer }))).toMatchObject({ ok: true });
  });

  it('requires at least one of phone, email and loyalty id', () => {
    expect(failureOf(channelMessage(instoreTicket({ customer: { name: 'Jane Doe' } })))).toEqual({
      code: 'invalid_document',
      message: '/customer must have at least one of phone, email, loyaltyId',
    });
  });

  it('requires a photo to have a URL or a storage key, and refuses other URL schemes', () => {
    const error = failureOf(
      channelMessage(
        instoreTicket({ photos: [{ contentType: 'image/png' }, { url: 'javascript:alert(1)' }] }),
      ),
    );
    expect(error.code).toBe('invalid_document');
    expect(error.message).toContain('/photos/0 must have at least one of url, storageKey');
    expect(error.message).toContain('/photos/1/url must match pattern');
  });

  it(`allows at most ${INSTORE_TICKET_MAX_PHOTOS} photos`, () => {
    const photos = Array.from({ length: INSTORE_TICKET_MAX_PHOTOS + 1 }, (_, i) => ({ storageKey: `p/${i}.jpg` }));
    expect(validateInstoreTicket(instoreTicket({ photos: photos.slice(1) }))).toMatchObject({ ok: true });
    expect(failureOf(channelMessage(instoreTicket({ photos })))).toMatchObject({
      code: 'invalid_document',
      message: '/photos must NOT have more than 20 items',
    });
  });

  it('lists every field error with its path, nested ones included', () => {
    const { staffId: _staffId, ...withoutStaff } = instoreTicket();
    const error = failureOf(
      channelMessage({
        ...withoutStaff,
        customer: { phone: '07911 123456', email: 'not an email', age: 40 },
        occurredAt: 'yesterday',
      }),
    );
    expect(error.code).toBe('invalid_document');
    expect(error.message.split('; ').sort()).toEqual([
      '/customer/age is not allowed',
      '/customer/email must match format "email"',
      '/occurredAt must match format "date-time"',
      '/staffId is required',
    ]);
  });

  it('reports each failure code', () => {
    expect(failureOf(Buffer.alloc(INSTORE_TICKET_MAX_BYTES + 1, 0x20)).code).toBe('too_large');
    expect(failureOf(Buffer.from([0xfe, 0xff, 0x00])).code).toBe('not_utf8');
    expect(failureOf(Buffer.from('store=S007&receipt=1')).code).toBe('not_json');
    expect(failureOf(channelMessage({ ...instoreTicket(), schemaVersion: 3 })).code).toBe('unknown_schema_version');
    expect(failureOf(channelMessage({ ...instoreTicket(), storeId: 7 })).code).toBe('invalid_document');
    expect(failureOf(channelMessage(instoreTicket({ description: '  \n ' }))).code).toBe('no_text');
  });

  it('refuses an occurredAt that names no instant intake can store', () => {
    expect(failureOf(channelMessage(instoreTicket({ occurredAt: '0000-12-31T23:00:00Z' })))).toEqual({
      code: 'invalid_document',
      message: '/occurredAt must be an instant between the years 0001 and 9999 (UTC)',
    });
  });

  it('refuses to encode an invalid ticket', () => {
    expect(() => encodeInstoreTicket(instoreTicket({ customer: {} }))).toThrow(/invalid_document/);
  });
});
