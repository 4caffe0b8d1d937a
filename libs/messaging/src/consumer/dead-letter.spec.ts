import { DEAD_LETTER_HEADER, deadLetterRecord, TRUNCATED_VALUE_BYTES, truncated, type SourceMessage } from './dead-letter';

function sourceMessage(overrides: Partial<SourceMessage> = {}): SourceMessage {
  return {
    topic: 'complaints.channel.hotline',
    partition: 3,
    offset: '42',
    key: Buffer.from('call-1'),
    value: Buffer.from([0xff, 0xfe, 0x00, 0x41]),
    headers: { 'content-type': 'application/json' },
    timestamp: '1763888400000',
    ...overrides,
  };
}

describe('deadLetterRecord', () => {
  const now = new Date('2026-11-23T10:00:00.000Z');
  const reason = { code: 'not_json', message: 'Unexpected token', consumerGroup: 'g', attempts: 1 };

  it('keeps the original bytes, key and headers and adds the source and reason', () => {
    const record = deadLetterRecord(sourceMessage(), reason, now);
    expect(Buffer.compare(record.value as Buffer, Buffer.from([0xff, 0xfe, 0x00, 0x41]))).toBe(0);
    expect(record.key).toBe('call-1');
    expect(record.headers).toMatchObject({
      'content-type': 'application/json',
      [DEAD_LETTER_HEADER.code]: 'not_json',
      [DEAD_LETTER_HEADER.reason]: 'Unexpected token',
      [DEAD_LETTER_HEADER.sourceTopic]: 'complaints.channel.hotline',
      [DEAD_LETTER_HEADER.sourcePartition]: '3',
      [DEAD_LETTER_HEADER.sourceOffset]: '42',
      [DEAD_LETTER_HEADER.consumerGroup]: 'g',
      [DEAD_LETTER_HEADER.attempts]: '1',
      [DEAD_LETTER_HEADER.failedAt]: now.toISOString(),
    });
  });

  it('dead-letters an empty message as empty bytes', () => {
    const record = deadLetterRecord(sourceMessage({ value: null, key: null }), reason, now);
    expect(record.key).toBeNull();
    expect((record.value as Buffer).length).toBe(0);
  });

  it('bounds an overlong reason', () => {
    const record = deadLetterRecord(sourceMessage(), { ...reason, message: 'x'.repeat(10_000) }, now);
    expect(record.headers?.[DEAD_LETTER_HEADER.reason]).toHaveLength(4000);
  });

  it('keeps the first part of bytes too large for the topic, saying how long they were', () => {
    const value = Buffer.alloc(TRUNCATED_VALUE_BYTES * 3, 7);
    const record = truncated(deadLetterRecord(sourceMessage(), reason, now), value);
    expect(record.value).toHaveLength(TRUNCATED_VALUE_BYTES);
    expect(record.headers?.[DEAD_LETTER_HEADER.truncatedFrom]).toBe(String(value.length));
    expect(record.headers?.[DEAD_LETTER_HEADER.code]).toBe(reason.code);
  });
});
