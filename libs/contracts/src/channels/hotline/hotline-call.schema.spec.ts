import { channelMessage, hotlineCall } from '@app/testing/channel-factories';
import iconv from 'iconv-lite';
import { InvalidChannelDocumentError } from '../channel-codec';
import { HOTLINE_CALL_EXAMPLES } from './hotline-call.examples';
import {
  HOTLINE_CALL_MAX_BYTES,
  decodeHotlineCall,
  encodeHotlineCall,
  validateHotlineCall,
  type HotlineCallV1,
} from './hotline-call.schema';

function failureOf(bytes: Buffer | null) {
  const result = decodeHotlineCall(bytes);
  if (result.ok) throw new Error(`expected a failure, decoded ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('hotline call', () => {
  it.each(Object.entries(HOTLINE_CALL_EXAMPLES))('decodes the published example %s', (_name, example) => {
    expect(decodeHotlineCall(channelMessage(example))).toEqual({ ok: true, value: example });
  });

  it('round-trips through encode and decode', () => {
    const call = hotlineCall({ storeId: 'S001', severity: 'high', locale: 'en-GB' });
    expect(decodeHotlineCall(encodeHotlineCall(call))).toEqual({ ok: true, value: call });
  });

  it('validates an already-parsed document', () => {
    expect(validateHotlineCall(hotlineCall())).toMatchObject({ ok: true });
    expect(validateHotlineCall({ ...hotlineCall(), source: 'fax' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_document' },
    });
  });

  describe('too_large', () => {
    it(`refuses more than ${HOTLINE_CALL_MAX_BYTES} bytes before decoding them`, () => {
      expect(failureOf(Buffer.alloc(HOTLINE_CALL_MAX_BYTES + 1, 0xff)).code).toBe('too_large');
    });

    it('accepts a document of exactly the limit', () => {
      const json = JSON.stringify(hotlineCall());
      const padded = Buffer.from(json + ' '.repeat(HOTLINE_CALL_MAX_BYTES - Buffer.byteLength(json)), 'utf8');
      expect(padded.length).toBe(HOTLINE_CALL_MAX_BYTES);
      expect(decodeHotlineCall(padded).ok).toBe(true);
    });

    it('refuses to encode a document within its character limits but over the byte limit', () => {
      // 19,000 characters of four bytes each: valid by the schema, 76 KB on the wire.
      const huge = hotlineCall({ description: '😞'.repeat(19_000) });
      expect(validateHotlineCall(huge).ok).toBe(true);
      expect(() => encodeHotlineCall(huge)).toThrow(InvalidChannelDocumentError);
      expect(failureOf(channelMessage(huge)).code).toBe('too_large');
    });
  });

  describe('not_utf8', () => {
    it('refuses invalid UTF-8', () => {
      expect(failureOf(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])).code).toBe('not_utf8');
    });

    it('refuses a document encoded in GB2312', () => {
      const gb2312 = iconv.encode(JSON.stringify(hotlineCall({ description: '水壶坏了' })), 'gb2312');
      expect(failureOf(gb2312).code).toBe('not_utf8');
    });
  });

  it.each([
    ['broken JSON', Buffer.from('{"schemaVersion": 1,')],
    ['an empty value', Buffer.alloc(0)],
    ['a tombstone', null],
  ])('reports not_json for %s', (_case, bytes) => {
    expect(failureOf(bytes).code).toBe('not_json');
  });

  it('reports unknown_schema_version for a version it does not know', () => {
    const error = failureOf(channelMessage({ ...hotlineCall(), schemaVersion: 2, somethingNew: true }));
    expect(error).toEqual({ code: 'unknown_schema_version', message: expect.stringContaining('2') });
  });

  it('lists every field error with its path', () => {
    const { callId: _callId, ...withoutCallId } = hotlineCall();
    const error = failureOf(
      channelMessage({
        ...withoutCallId,
        severity: 'apocalyptic',
        callStartedAt: '2026-11-23T09:14:05',
        callerNumber: 'ring me',
        category: 'Product Quality',
        extra: 1,
      }),
    );
    expect(error.code).toBe('invalid_document');
    expect(error.message).toContain('/callId is required');
    expect(error.message).toContain('/severity must be one of "critical", "high", "normal", "low"');
    expect(error.message).toContain('/callStartedAt must match format "date-time"');
    expect(error.message).toContain('/callerNumber');
    expect(error.message).toContain('/category');
    expect(error.message).toContain('/extra is not allowed');
    expect(error.message.split('; ')).toHaveLength(6);
  });

  it.each([
    ['an array', []],
    ['a number', 42],
    ['a version given as a string', { ...hotlineCall(), schemaVersion: '1' }],
  ])('reports invalid_document for %s', (_case, document) => {
    expect(failureOf(channelMessage(document)).code).toBe('invalid_document');
  });

  it.each([
    ['empty', ''],
    ['spaces and line breaks', ' \n\t  \r\n'],
    ['an ideographic space', '\u3000'],
  ])('reports no_text when the description is %s', (_case, description) => {
    expect(failureOf(channelMessage(hotlineCall({ description }))).code).toBe('no_text');
  });

  it('reports a missing description, or an empty one beside other errors, as invalid_document', () => {
    const { description: _description, ...withoutDescription } = hotlineCall();
    expect(failureOf(channelMessage(withoutDescription))).toEqual({
      code: 'invalid_document',
      message: '/description is required',
    });
    const error = failureOf(channelMessage({ ...hotlineCall({ description: ' ' }), agentId: '' }));
    expect(error.code).toBe('invalid_document');
    expect(error.message).toContain('/description');
    expect(error.message).toContain('/agentId');
  });

  it('accepts the API path with an idempotency key, complaint id and reference', () => {
    const call: HotlineCallV1 = hotlineCall({
      source: 'api',
      idempotencyKey: 'b0f5c1d2-key',
      complaintId: '5d0b8a2e-6f3c-4b71-9e2a-1c4d7f8b3a90',
      reference: 'C-7K4Q-2M9D',
    });
    expect(decodeHotlineCall(channelMessage(call))).toEqual({ ok: true, value: call });
  });

  it('refuses a preassigned reference or complaint id that is not one', () => {
    const error = failureOf(channelMessage(hotlineCall({ complaintId: '42', reference: 'C-0000-1111' })));
    expect(error.message).toContain('/complaintId must match format "uuid"');
    expect(error.message).toContain('/reference must match pattern');
  });

  it.each([
    ['year 0000, which PostgreSQL does not have', '0000-01-01T00:00:00Z'],
    ['year 0000 once converted to UTC', '0001-01-01T00:30:00+01:00'],
  ])('reports invalid_document for a callStartedAt in %s', (_case, callStartedAt) => {
    expect(failureOf(channelMessage(hotlineCall({ callStartedAt })))).toEqual({
      code: 'invalid_document',
      message: '/callStartedAt must be an instant between the years 0001 and 9999 (UTC)',
    });
  });

  it.each(['2016-12-31T23:59:60Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z'])('accepts a callStartedAt of %s', (callStartedAt) => {
    expect(decodeHotlineCall(channelMessage(hotlineCall({ callStartedAt }))).ok).toBe(true);
  });

  it('refuses to encode an invalid document', () => {
    expect(() => encodeHotlineCall({ ...hotlineCall(), description: '' })).toThrow(/no_text/);
  });
});
