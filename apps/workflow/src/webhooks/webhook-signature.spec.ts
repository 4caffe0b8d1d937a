import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook } from './webhook-signature';

const SECRET = 'complaints-webhook-test-secret';
const BODY = '{"id":"1","kind":"sla.breached"}';
const TIMESTAMP = 1763900000;
const AT_TIMESTAMP = new Date(TIMESTAMP * 1000);

describe('webhook signatures', () => {
  it('matches a known vector (computed once with openssl dgst -sha256 -hmac)', () => {
    expect(signWebhook(SECRET, TIMESTAMP, BODY)).toBe('sha256=5e5fb1a6f8d166564a29137eb8fb8a1ba6b0c9fd622ae9cde860d1345ec05940');
  });

  it('is the HMAC-SHA256 of "<timestamp>.<body>", for text and for raw bytes alike', () => {
    const body = JSON.stringify({ id: '42', detail: { note: 'Café — ünïcode' } });
    const expected = `sha256=${createHmac('sha256', SECRET).update(`${TIMESTAMP}.${body}`).digest('hex')}`;
    expect(signWebhook(SECRET, TIMESTAMP, body)).toBe(expected);
    expect(signWebhook(SECRET, TIMESTAMP, Buffer.from(body, 'utf8'))).toBe(expected);
  });

  it('refuses a timestamp that is not unix seconds', () => {
    expect(() => signWebhook(SECRET, 1.5, BODY)).toThrow(RangeError);
    expect(() => signWebhook(SECRET, -1, BODY)).toThrow(RangeError);
  });

  describe('verifyWebhook', () => {
    const signed = { body: BODY, timestamp: String(TIMESTAMP), signature: signWebhook(SECRET, TIMESTAMP, BODY) };

    it('accepts its own signature, also in upper-case hex and from raw bytes', () => {
      expect(verifyWebhook(SECRET, signed, AT_TIMESTAMP)).toEqual({ ok: true });
      expect(verifyWebhook(SECRET, { ...signed, body: Buffer.from(BODY) }, AT_TIMESTAMP)).toEqual({ ok: true });
      const upper = `sha256=${signed.signature.slice('sha256='.length).toUpperCase()}`;
      expect(verifyWebhook(SECRET, { ...signed, signature: upper }, AT_TIMESTAMP)).toEqual({ ok: true });
    });

    it('rejects a tampered body', () => {
      expect(verifyWebhook(SECRET, { ...signed, body: BODY.replace('"1"', '"2"') }, AT_TIMESTAMP)).toEqual({ ok: false, reason: 'mismatch' });
      expect(verifyWebhook(SECRET, { ...signed, body: `${BODY} ` }, AT_TIMESTAMP)).toEqual({ ok: false, reason: 'mismatch' });
    });

    it('rejects another secret', () => {
      expect(verifyWebhook(`${SECRET}-other`, signed, AT_TIMESTAMP)).toEqual({ ok: false, reason: 'mismatch' });
    });

    it('rejects a timestamp changed after signing', () => {
      const later = String(TIMESTAMP + 1);
      expect(verifyWebhook(SECRET, { ...signed, timestamp: later }, AT_TIMESTAMP)).toEqual({ ok: false, reason: 'mismatch' });
    });

    it('accepts up to the tolerance either way and rejects one second beyond it', () => {
      const at = (seconds: number) => new Date((TIMESTAMP + seconds) * 1000);
      expect(verifyWebhook(SECRET, signed, at(300))).toEqual({ ok: true });
      expect(verifyWebhook(SECRET, signed, at(-300))).toEqual({ ok: true });
      expect(verifyWebhook(SECRET, signed, at(301))).toEqual({ ok: false, reason: 'stale' });
      expect(verifyWebhook(SECRET, signed, at(-301))).toEqual({ ok: false, reason: 'stale' });
      expect(verifyWebhook(SECRET, signed, at(31), 30)).toEqual({ ok: false, reason: 'stale' });
    });

    it('rejects missing or malformed headers', () => {
      const malformed = { ok: false, reason: 'malformed' };
      expect(verifyWebhook(SECRET, { ...signed, signature: undefined }, AT_TIMESTAMP)).toEqual(malformed);
      expect(verifyWebhook(SECRET, { ...signed, timestamp: undefined }, AT_TIMESTAMP)).toEqual(malformed);
      expect(verifyWebhook(SECRET, { ...signed, timestamp: `${TIMESTAMP}.0` }, AT_TIMESTAMP)).toEqual(malformed);
      expect(verifyWebhook(SECRET, { ...signed, signature: signed.signature.slice('sha256='.length) }, AT_TIMESTAMP)).toEqual(malformed);
      expect(verifyWebhook(SECRET, { ...signed, signature: `${signed.signature}00` }, AT_TIMESTAMP)).toEqual(malformed);
      expect(verifyWebhook(SECRET, { ...signed, signature: signed.signature.replace('sha256=', 'sha1=') }, AT_TIMESTAMP)).toEqual(malformed);
    });
  });
});
