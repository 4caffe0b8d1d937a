import { complaintReceivedEvent, complaintReceivedPayload } from '@app/testing/event-factories';
import { createEvent, decodeEvent, encodeEvent, eventKey, InvalidEventError } from './event-codec';

function decodeObject(value: unknown) {
  return decodeEvent(Buffer.from(JSON.stringify(value)));
}

describe('event codec', () => {
  it('round-trips a valid event through bytes', () => {
    const event = complaintReceivedEvent();
    const decoded = decodeEvent(encodeEvent(event));
    expect(decoded).toEqual({ ok: true, value: event });
  });

  it('fills the envelope: id, time, correlation defaults to its own id', () => {
    const event = complaintReceivedEvent();
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.correlationId).toBe(event.id);
    expect(event.causationId).toBeNull();
    expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt);
  });

  it('keys an event by its complaint id', () => {
    const event = complaintReceivedEvent();
    expect(eventKey(event)).toBe(event.complaintId);
  });

  it('refuses to create an event whose payload breaks its schema', () => {
    const payload = { ...complaintReceivedPayload(), severity: 'apocalyptic' };
    expect(() =>
      createEvent('complaint.received', 1, payload as unknown as ReturnType<typeof complaintReceivedPayload>, {
        producer: 'test',
      }),
    ).toThrow(InvalidEventError);
  });

  it.each([
    ['not_json', Buffer.from('{not json')],
    ['not_json', null],
  ])('reports %s', (code, bytes) => {
    const result = decodeEvent(bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('reports an invalid envelope with the offending field', () => {
    const { id: _id, ...withoutId } = complaintReceivedEvent();
    const result = decodeObject(withoutId);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_envelope' } });
    if (!result.ok) expect(result.error.message).toContain('id');
  });

  it('reports an unknown type and an unknown version separately', () => {
    const event = complaintReceivedEvent();
    expect(decodeObject({ ...event, type: 'complaint.teleported' })).toMatchObject({
      ok: false,
      error: { code: 'unknown_type' },
    });
    expect(decodeObject({ ...event, version: 99 })).toMatchObject({ ok: false, error: { code: 'unknown_version' } });
  });

  it('reports every payload violation', () => {
    const event = complaintReceivedEvent();
    const result = decodeObject({ ...event, payload: { ...event.payload, severity: 'x', channel: 'fax' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    if (!result.ok) {
      expect(result.error.message).toContain('/severity');
      expect(result.error.message).toContain('/channel');
    }
  });

  it('rejects unexpected envelope fields', () => {
    expect(decodeObject({ ...complaintReceivedEvent(), extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_envelope' },
    });
  });
});
