import { maskJsonValue, maskLogLine, maskPersonalData } from './personal-data.util';

describe('maskPersonalData', () => {
  describe('phone numbers', () => {
    it.each([
      ['E.164', '+33612345678', '+*********78'],
      ['E.164, spaced', '+33 6 12 34 56 78', '+** * ** ** ** 78'],
      ['E.164, North American', '+1 415 555 2671', '+* *** *** **71'],
      ['E.164 with trunk prefix in parentheses', '+49 (0)30 1234567', '+** (*)** *****67'],
      ['international 00 prefix', '0033612345678', '***********78'],
      ['national, bare digits', '0612345678', '********78'],
      ['national, spaced pairs', '06 12 34 56 78', '** ** ** ** 78'],
      ['national, dashes', '06-12-34-56-78', '**-**-**-**-78'],
      ['national, dots', '06.12.34.56.78', '**.**.**.**.78'],
      ['North American with area code in parentheses', '(415) 555-2671', '(***) ***-**71'],
      ['North American with dots', '415.555.2671', '***.***.**71'],
      ['UK national', '020 7946 0958', '*** **** **58'],
      ['seven-digit local', '555-2671', '***-**71'],
      ['no-break spaces', '06\u00A012\u00A034\u00A056\u00A078', '**\u00A0**\u00A0**\u00A0**\u00A078'],
      ['full-width digits (CJK input)', '０７４００ １２３４５６', '***** ****５６'],
      ['full-width plus and ideographic space', '＋８６\u3000１３８\u3000００１３\u3000８０００', '＋**\u3000***\u3000****\u3000**００'],
    ])('masks %s (%s), keeping the last two digits', (_format, phone, masked) => {
      expect(maskPersonalData(phone)).toBe(masked);
    });

    it('masks a phone number inside a sentence and leaves the words alone', () => {
      expect(maskPersonalData('Customer called from +33 6 12 34 56 78, asked for a refund.')).toBe(
        'Customer called from +** * ** ** ** 78, asked for a refund.',
      );
      expect(maskPersonalData('tel:0612345678')).toBe('tel:********78');
      expect(maskPersonalData('call back on 0612345678.')).toBe('call back on ********78.');
    });

    it('masks a percent-encoded phone number typed in full-width digits', () => {
      const typed = encodeURIComponent('０７４００ １２３４５６');
      expect(maskPersonalData(`/complaints?phone=${typed}`)).toBe('/complaints?phone=***** ****５６');
    });

    it('masks phone numbers of a form-encoded or percent-encoded query', () => {
      expect(maskPersonalData('/customers?phone=%2B33612345678')).toBe('/customers?phone=+*********78');
      expect(maskPersonalData('/customers?phone=06+12+34+56+78')).toBe('/customers?phone=**+**+**+**+78');
      expect(maskPersonalData('/customers?phone=06%2012%2034%2056%2078')).toBe('/customers?phone=** ** ** ** 78');
    });

    it('masks every phone number of a text', () => {
      expect(maskPersonalData('home 0145678901 / mobile 0612345678')).toBe('home ********01 / mobile ********78');
    });

    it('leaves runs of fewer than seven digits alone', () => {
      for (const text of ['123456', '12 34 56', 'order 4242', '+33 6 12', 'port 5432', '2026']) {
        expect(maskPersonalData(text)).toBe(text);
      }
    });
  });

  describe('email addresses', () => {
    it.each([
      ['jane@example.com', 'j***@e***.com'],
      ['jane.doe@example.com', 'j***@e***.com'],
      ['jane.doe+complaints@example.com', 'j***@e***.com'],
      ['JANE_DOE-1@mail.example.co.uk', 'J***@m***.uk'],
      ['0612345678@sms.example.net', '0***@s***.net'],
      ['a@b.cd', 'a***@b***.cd'],
      ['zoë.müller@exämple.de', 'z***@e***.de'],
    ])('masks %s as %s', (email, masked) => {
      expect(maskPersonalData(email)).toBe(masked);
    });

    it('masks an email address inside text, a URL and a mailto link', () => {
      expect(maskPersonalData('reply from <jane.doe+x@example.com>.')).toBe('reply from <j***@e***.com>.');
      expect(maskPersonalData('GET /customers?email=jane@example.com&sort=asc')).toBe(
        'GET /customers?email=j***@e***.com&sort=asc',
      );
      expect(maskPersonalData('mailto:jane@example.com')).toBe('mailto:j***@e***.com');
    });

    it('masks percent-encoded addresses, as they appear in URLs', () => {
      expect(maskPersonalData('/customers?email=jane.doe%2Bx%40example.com&q=a%20b')).toBe(
        '/customers?email=j***@e***.com&q=a b',
      );
    });

    it('leaves percent-encoded text without personal data exactly as it was', () => {
      for (const text of ['/search?q=a%20b%2Fc', '100%', 'bad %E0%A4%A escape', '/files/%2026-11-23']) {
        expect(maskPersonalData(text)).toBe(text);
      }
    });

    it('leaves things that only look a little like addresses alone', () => {
      for (const text of ['root@localhost', 'postgres://root@127.0.0.1:5432/test', '@mention', 'a @ b.com']) {
        expect(maskPersonalData(text)).toBe(text);
      }
    });
  });

  describe('identifiers and times that must survive', () => {
    it.each([
      ['ISO-8601 instant', '2026-11-23T10:00:00.000Z'],
      ['ISO-8601 with offset', '2026-11-23T10:00:00+01:00'],
      ['ISO-8601 with a space', '2026-11-23 10:00:00.123456'],
      ['ISO-8601 date', '2026-11-23'],
      ['compact ISO-8601 instant', '20261123T100000Z'],
      ['day.month.year date', '23.11.2026'],
      ['day-month-year date', '23-11-2026'],
      ['UUID', '0b8f5a0e-4c5d-4e6f-9a7b-1c2d3e4f5a6b'],
      ['UUID with a long all-digit group', '550e8400-e29b-41d4-a716-446655440000'],
      ['UUID made of digits only', '12345678-1234-4234-8234-123456789012'],
      ['upper-case UUID', '550E8400-E29B-41D4-A716-446655440000'],
      ['hex digest', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
      ['hex starting with digits', '0123456789abcdef'],
      ['0x-prefixed hex', '0x1234567890'],
      ['IPv4 address', '192.168.100.200'],
      ['IPv4-mapped IPv6 address', '::ffff:10.123.45.67'],
      ['ULID', '01ARZ3NDEKTSV4RRFFQ69G5FAV'],
      ['digits glued to a word by a dash', 'complaints.hotline-3-1234567'],
      ['digits glued to a word', 'complaint1234567'],
      ['deterministic job id', 'sla-550e8400-e29b-41d4-a716-446655440000-first-response-v3'],
      ['semantic version', 'v11.2.10'],
      ['duration', 'PT2H30M'],
    ])('keeps %s (%s) intact', (_kind, text) => {
      expect(maskPersonalData(text)).toBe(text);
    });

    it('keeps identifiers intact next to personal data in the same text', () => {
      const text =
        'complaint 550e8400-e29b-41d4-a716-446655440000 at 2026-11-23T10:00:00.000Z from jane@example.com, +33612345678';
      expect(maskPersonalData(text)).toBe(
        'complaint 550e8400-e29b-41d4-a716-446655440000 at 2026-11-23T10:00:00.000Z from j***@e***.com, +*********78',
      );
    });

    it('masks a phone number that directly follows a date', () => {
      expect(maskPersonalData('2026-11-23 0612345678')).toBe('2026-11-23 ********78');
    });
  });

  it('is idempotent', () => {
    const once = maskPersonalData('jane.doe+x@example.com called from +33 6 12 34 56 78 on 2026-11-23');
    expect(maskPersonalData(once)).toBe(once);
  });

  it('returns text without personal data unchanged', () => {
    const text = 'request completed in 12 ms with status 201';
    expect(maskPersonalData(text)).toBe(text);
    expect(maskPersonalData('')).toBe('');
  });

  it('stays fast on long digit strings', () => {
    const text = `${'1 2 3 4 5 6 7 8 9 '.repeat(2000)}x`;
    const started = process.hrtime.bigint();
    maskPersonalData(text);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });
});

describe('maskJsonValue', () => {
  it('masks strings at any depth, in arrays and in keys, and leaves other values alone', () => {
    const masked = maskJsonValue({
      customer: { phone: '0612345678', emails: ['jane@example.com'], 'jane@example.com': 1 },
      count: 612345678,
      ok: true,
      nothing: null,
    });
    expect(masked).toEqual({
      customer: { phone: '********78', emails: ['j***@e***.com'], 'j***@e***.com': 1 },
      count: 612345678,
      ok: true,
      nothing: null,
    });
  });
});

describe('maskLogLine', () => {
  it('masks every string of a serialised record and keeps it one JSON line', () => {
    const line = `${JSON.stringify({
      level: 'info',
      time: '2026-11-23T10:00:00.000Z',
      requestId: '550e8400-e29b-41d4-a716-446655440000',
      msg: 'registered complaint for +33612345678',
      err: { message: 'duplicate jane@example.com', stack: 'Error: duplicate jane@example.com\n    at x (a.ts:1:2)' },
    })}\n`;
    const masked = maskLogLine(line);
    expect(masked.endsWith('\n')).toBe(true);
    expect(masked.trimEnd()).not.toContain('\n');
    expect(JSON.parse(masked)).toEqual({
      level: 'info',
      time: '2026-11-23T10:00:00.000Z',
      requestId: '550e8400-e29b-41d4-a716-446655440000',
      msg: 'registered complaint for +*********78',
      err: { message: 'duplicate j***@e***.com', stack: 'Error: duplicate j***@e***.com\n    at x (a.ts:1:2)' },
    });
  });

  it('masks a line that is not JSON as plain text', () => {
    expect(maskLogLine('not json 0612345678\n')).toBe('not json ********78\n');
  });
});
