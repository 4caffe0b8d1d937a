import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { loadConfig, type AppConfig } from '@app/config';
import type { Principal } from '../principal';
import { TokenService, type Clock } from '../token.service';

let sequence = 0;
function nextId(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}`;
}

/** A configuration with a fresh random signing key, so no test depends on a key written in the code. */
export function authTestConfig(): AppConfig {
  return loadConfig('intake', { NODE_ENV: 'test', AUTH_JWT_SECRET: randomBytes(32).toString('hex') });
}

export function agentPrincipal(overrides: Partial<Omit<Principal, 'role'>> = {}): Principal {
  return { subject: nextId('agent'), storeIds: [], ...overrides, role: 'agent' };
}

export function opsPrincipal(overrides: Partial<Omit<Principal, 'role'>> = {}): Principal {
  return { subject: nextId('ops'), storeIds: [], ...overrides, role: 'ops' };
}

export function storeManagerPrincipal(overrides: Partial<Omit<Principal, 'role'>> = {}): Principal {
  return { subject: nextId('manager'), storeIds: [nextId('S')], ...overrides, role: 'store_manager' };
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

/** Tokens for tests, signed with the key of the given configuration unless a test wants otherwise. */
export class TestTokens {
  private readonly service: TokenService;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock = () => new Date(),
  ) {
    this.service = new TokenService(config.auth, clock);
  }

  /** A valid token for the principal. */
  for(principal: Principal, ttlSeconds?: number): string {
    return this.service.mint({ subject: principal.subject, role: principal.role, storeIds: principal.storeIds, ttlSeconds });
  }

  /** A token for the principal that expired `secondsAgo` seconds ago. */
  expired(principal: Principal, secondsAgo = 60): string {
    const ttlSeconds = 60;
    const issuedAt = new Date(this.clock().getTime() - (ttlSeconds + secondsAgo) * 1000);
    return new TestTokens(this.config, () => issuedAt).for(principal, ttlSeconds);
  }

  /** A token with well-formed claims, signed with a key the service does not know. */
  forged(principal: Principal): string {
    const stranger = { ...this.config, auth: { ...this.config.auth, jwtSecret: randomBytes(32).toString('hex') } };
    return new TestTokens(stranger, this.clock).for(principal);
  }

  /**
   * A correctly signed token whose claims are the valid claims of an agent with `changes` applied
   * (`undefined` removes a claim): for tokens that TokenService.mint refuses to produce.
   */
  withClaims(changes: Record<string, unknown>): string {
    const issuedAt = Math.floor(this.clock().getTime() / 1000);
    const claims: Record<string, unknown> = {
      sub: nextId('agent'),
      role: 'agent',
      iss: this.config.auth.issuer,
      aud: this.config.auth.audience,
      iat: issuedAt,
      exp: issuedAt + 300,
      ...changes,
    };
    for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
    return new JwtService({ secret: this.config.auth.jwtSecret }).sign(claims, { algorithm: 'HS256' });
  }
}
