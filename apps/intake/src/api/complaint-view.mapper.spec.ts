import { decodeCursor } from './complaint-view.mapper';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const id = '5d0b8a2e-6f3c-4b71-9e2a-1c4d7f8b3a90';

describe('decodeCursor', () => {
  it('reads back a position (received time, id)', () => {
    expect(decodeCursor(encode(['2026-11-23T09:00:00.000Z', id]))).toEqual({ receivedAt: '2026-11-23T09:00:00.000Z', id });
  });

  it.each([
    ['not base64 JSON', 'bogus'],
    ['an id that is not a UUID', encode(['2026-11-23T09:00:00.000Z', '-'.repeat(36)])],
    ['a time that is not one', encode(['yesterday-ish', id])],
    ['a year PostgreSQL cannot hold', encode(['+275760-09-13T00:00:00.000Z', id])],
    ['the year 0', encode(['0000-01-01T00:00:00.000Z', id])],
    ['the wrong shape', encode({ receivedAt: '2026-11-23T09:00:00.000Z', id })],
  ])('refuses %s', (_name, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
