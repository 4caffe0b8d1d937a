import { agentPrincipal, authTestConfig, opsPrincipal, storeManagerPrincipal, TestTokens } from './testing';
import { InvalidTokenRequestError, MAX_TOKEN_TTL_SECONDS, TokenService } from './token.service';

describe('TokenService', () => {
  const config = authTestConfig();
  const start = new Date('2026-11-23T09:00:00.000Z');
  const at = (offsetSeconds: number) => () => new Date(start.getTime() + offsetSeconds * 1000);
  const service = new TokenService(config.auth, at(0));

  it('verifies what it mints and returns the principal', () => {
    const manager = storeManagerPrincipal({ storeIds: ['S001', 'S002'] });
    const token = service.mint({ subject: manager.subject, role: 'store_manager', storeIds: manager.storeIds });
    const result = service.verify(token);
    expect(result).toMatchObject({ ok: true, principal: manager });
    if (result.ok) {
      expect(result.claims).toMatchObject({ iss: config.auth.issuer, aud: config.auth.audience, iat: start.getTime() / 1000 });
    }
  });

  it('omits the store claim for roles that are not store-scoped', () => {
    const result = service.verify(service.mint({ subject: 'ops-1', role: 'ops' }));
    expect(result.ok && result.claims.stores).toBeUndefined();
  });

  it('accepts a token until the last second of its lifetime, and refuses it from its expiry on', () => {
    const token = new TestTokens(config, at(0)).for(opsPrincipal(), 60);
    expect(new TokenService(config.auth, at(59)).verify(token).ok).toBe(true);
    expect(new TokenService(config.auth, at(60)).verify(token)).toMatchObject({ ok: false, reason: 'token_expired' });
  });

  it('refuses a token signed with another key', () => {
    const token = new TestTokens(config, at(0)).forged(agentPrincipal());
    expect(service.verify(token)).toMatchObject({ ok: false, reason: 'token_invalid', message: 'invalid signature' });
  });

  it('refuses a token of another issuer or for another audience', () => {
    const tokens = new TestTokens(config, at(0));
    expect(service.verify(tokens.withClaims({ iss: 'someone-else' }))).toMatchObject({ reason: 'token_invalid' });
    expect(service.verify(tokens.withClaims({ aud: 'another-api' }))).toMatchObject({ reason: 'token_invalid' });
  });

  it('refuses a signed token whose subject or store ids carry control characters', () => {
    const tokens = new TestTokens(config, at(0));
    expect(service.verify(tokens.withClaims({ sub: 'agent\u0000-1' }))).toMatchObject({ ok: false });
    expect(service.verify(tokens.withClaims({ sub: 'manager-1', role: 'store_manager', stores: ['S\u0000'] }))).toMatchObject({ ok: false });
    expect(service.verify(tokens.withClaims({ sub: 'manager-1', role: 'store_manager', stores: ['S001'] }))).toMatchObject({ ok: true });
  });

  it('refuses an unsigned token', () => {
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'x', role: 'ops' })}.`;
    expect(service.verify(unsigned)).toMatchObject({ ok: false, reason: 'token_invalid' });
  });

  it('refuses garbage', () => {
    expect(service.verify('not-a-jwt')).toMatchObject({ ok: false, reason: 'token_invalid' });
  });

  it('verifies a request\'s token once, whoever asks, and a request of its own or another token anew', () => {
    const token = service.mint({ subject: 'agent-1', role: 'agent' });
    const request = {};
    const first = service.verifyForRequest(request, token);
    expect(first).toMatchObject({ ok: true, principal: { subject: 'agent-1' } });
    expect(service.verifyForRequest(request, token)).toBe(first);
    expect(service.verifyForRequest({}, token)).not.toBe(first);
    expect(service.verifyForRequest(request, 'garbage')).toMatchObject({ ok: false, reason: 'token_invalid' });
  });

  it('checks the claims after the signature', () => {
    const token = new TestTokens(config, at(0)).withClaims({ role: 'store_manager' });
    expect(service.verify(token)).toMatchObject({ ok: false, reason: 'claims_invalid' });
  });

  describe('mint refuses what verify would refuse', () => {
    it.each([
      ['a store manager without stores', { subject: 'manager-1', role: 'store_manager' as const }],
      ['an agent with stores', { subject: 'agent-1', role: 'agent' as const, storeIds: ['S001'] }],
      ['an empty subject', { subject: '', role: 'ops' as const }],
      ['a zero lifetime', { subject: 'ops-1', role: 'ops' as const, ttlSeconds: 0 }],
      ['a fractional lifetime', { subject: 'ops-1', role: 'ops' as const, ttlSeconds: 1.5 }],
      ['a lifetime over the maximum', { subject: 'ops-1', role: 'ops' as const, ttlSeconds: MAX_TOKEN_TTL_SECONDS + 1 }],
    ])('%s', (_case, request) => {
      expect(() => service.mint(request)).toThrow(InvalidTokenRequestError);
    });
  });
});
