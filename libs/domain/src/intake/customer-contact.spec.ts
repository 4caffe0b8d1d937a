import { customerKeys, isPhoneRegion, normaliseEmail, normaliseLoyaltyId, normalisePhone } from './customer-contact';

describe('customer contact', () => {
  describe('normalisePhone', () => {
    it.each([
      ['+44 20 7946 0018', 'GB', '+442079460018'],
      ['+44 (0)20 7946 0018', 'GB', '+442079460018'],
      ['0044 20 7946 0018', 'GB', '+442079460018'],
      ['020 7946 0018', 'GB', '+442079460018'],
      ['020-7946-0018', 'GB', '+442079460018'],
      ['07911 123456', 'GB', '+447911123456'],
      ['+44 20 7946 0018 ext. 12', 'GB', '+442079460018'],
      ['+1 (212) 555-0123', 'GB', '+12125550123'],
      ['138 0013 8000', 'CN', '+8613800138000'],
      ['+86 138 0013 8000', 'GB', '+8613800138000'],
      ['+442079460018', 'CN', '+442079460018'],
    ] as const)('reads %j with default region %s as %s', (raw, region, e164) => {
      expect(normalisePhone(raw, region)).toBe(e164);
    });

    it('reads a national number by its default region', () => {
      expect(normalisePhone('07911 123456', 'GB')).toBe('+447911123456');
      expect(normalisePhone('07911 123456', 'US')).toBeNull();
    });

    it.each([
      '',
      '   ',
      'abc',
      'call me on 07911 123456',
      '12345',
      '07700 900123',
      '+44 20 7946 00189999',
      '9'.repeat(100),
    ])('gives null for %j', (raw) => {
      expect(normalisePhone(raw, 'GB')).toBeNull();
    });

    it('answers a number it read before as the first time, by region, however many came between', () => {
      expect(normalisePhone(' 07911 123456', 'GB')).toBe('+447911123456');
      expect(normalisePhone('07911 123456 ', 'US')).toBeNull();
      // More numbers than it remembers: the first ones are read afresh.
      for (let line = 0; line < 2_000; line += 1) normalisePhone(`020 7946 ${String(line).padStart(4, '0')}`, 'GB');
      expect(normalisePhone('07911 123456', 'GB')).toBe('+447911123456');
      expect(normalisePhone('07911 123456', 'US')).toBeNull();
      expect(normalisePhone('020 7946 1999', 'GB')).toBe('+442079461999');
      expect(normalisePhone('020 7946 1999', 'CN')).toBe('+862079461999');
    });

    it('is idempotent', () => {
      const once = normalisePhone('020 7946 0018', 'GB');
      expect(once).not.toBeNull();
      expect(normalisePhone(once ?? '', 'CN')).toBe(once);
    });

    it('knows which regions it can read numbers of', () => {
      expect(isPhoneRegion('GB')).toBe(true);
      expect(isPhoneRegion('CN')).toBe(true);
      expect(isPhoneRegion('XX')).toBe(false);
      expect(isPhoneRegion('gb')).toBe(false);
    });
  });

  describe('normaliseEmail', () => {
    it.each([
      [' Jane.Doe@Example.COM ', 'jane.doe@example.com'],
      ['zhang.san+complaints@example.cn', 'zhang.san+complaints@example.cn'],
      ['user@mail.example.co.uk', 'user@mail.example.co.uk'],
    ])('normalises %j to %j', (raw, email) => {
      expect(normaliseEmail(raw)).toBe(email);
    });

    it.each([
      '',
      'jane',
      'jane@',
      '@example.com',
      'jane@example',
      'jane doe@example.com',
      'a@b@example.com',
      'jane@example..com',
      `${'a'.repeat(250)}@example.com`,
    ])('gives null for %j', (raw) => {
      expect(normaliseEmail(raw)).toBeNull();
    });
  });

  describe('normaliseLoyaltyId', () => {
    it('drops whitespace and upper-cases', () => {
      expect(normaliseLoyaltyId(' lc 0042\t7781 ')).toBe('LC00427781');
    });

    it('gives null for nothing', () => {
      expect(normaliseLoyaltyId('  ')).toBeNull();
    });
  });

  describe('customerKeys', () => {
    it('gives one key per usable identifier, phone first', () => {
      expect(
        customerKeys({ phone: '020 7946 0018', email: 'Jane.Doe@Example.com', loyaltyId: 'lc 0042' }, 'GB'),
      ).toEqual(['phone:+442079460018', 'email:jane.doe@example.com', 'loyalty:LC0042']);
    });

    it('recognises the same customer across channels however they wrote their details', () => {
      const hotline = customerKeys({ phone: '+44 20 7946 0018' }, 'GB');
      const instore = customerKeys({ phone: '020-7946-0018', loyaltyId: 'LC0042' }, 'GB');
      const email = customerKeys({ email: ' JANE.DOE@example.com' }, 'GB');
      expect(instore).toEqual(expect.arrayContaining(hotline));
      expect(email).toEqual(['email:jane.doe@example.com']);
    });

    it('leaves out what does not normalise', () => {
      expect(customerKeys({ phone: 'withheld', email: 'not an email', loyaltyId: ' ' }, 'GB')).toEqual([]);
      expect(customerKeys({ phone: null, email: undefined }, 'GB')).toEqual([]);
    });
  });
});
