import { JwtService, TokenExpiredError } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import type { AppConfig } from '@app/config';
import type { AuthFailureReason } from './auth-errors';
import { principalFromClaims, validateClaims, type JwtClaims } from './jwt-claims.schema';
import type { Principal } from './principal';
import type { Role } from './roles';

export type AuthSettings = Pick<AppConfig['auth'], 'jwtSecret' | 'issuer' | 'audience'>;
export type Clock = () => Date;

export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
/** Tokens cannot be revoked (there is no revocation list), so a long-lived one would be a standing credential. */
export const MAX_TOKEN_TTL_SECONDS = 24 * 3600;

export interface MintRequest {
  readonly subject: string;
  readonly role: Role;
  /** Required, non-empty, for a store manager; must be absent or empty for the other roles. */
  readonly storeIds?: readonly string[];
  readonly ttlSeconds?: number;
}

export type TokenVerification =
  | { readonly ok: true; readonly principal: Principal; readonly claims: JwtClaims }
  | { readonly ok: false; readonly reason: Exclude<AuthFailureReason, 'token_missing'>; readonly message: string };

export class InvalidTokenRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenRequestError';
  }
}

const ALGORITHM = 'HS256';

/** Issues and checks the access tokens of the HTTP APIs (HS256, issuer and audience from the config). */
export class TokenService {
  private readonly jwt: JwtService;
  /** Each request's verification, so the rate limiter and the auth guard check a token once between them. */
  private readonly verifiedRequests = new WeakMap<object, { readonly token: string; readonly verification: TokenVerification }>();

  constructor(
    private readonly settings: AuthSettings,
    private readonly clock: Clock = () => new Date(),
  ) {
    // A key object made once: given the secret as text, the JWT library first tries (and fails) to
    // parse it as a public key on every verification, about a millisecond per request.
    this.jwt = new JwtService({ secret: createSecretKey(Buffer.from(settings.jwtSecret, 'utf8')) });
  }

  /** Throws InvalidTokenRequestError for a request whose token `verify` would refuse. */
  mint(request: MintRequest): string {
    const ttlSeconds = request.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TOKEN_TTL_SECONDS) {
      throw new InvalidTokenRequestError(`ttlSeconds must be an integer from 1 to ${MAX_TOKEN_TTL_SECONDS}`);
    }
    const issuedAt = this.nowSeconds();
    const stores = request.storeIds ?? [];
    const claims: Record<string, unknown> = {
      sub: request.subject,
      role: request.role,
      ...(stores.length > 0 ? { stores: [...stores] } : {}),
      iss: this.settings.issuer,
      aud: this.settings.audience,
      iat: issuedAt,
      exp: issuedAt + ttlSeconds,
    };
    const validation = validateClaims(claims);
    if (!validation.ok) throw new InvalidTokenRequestError(validation.message);
    return this.jwt.sign(validation.claims, { algorithm: ALGORITHM });
  }

  /** Signature, algorithm, issuer, audience and expiry first, then the claims. Never throws. */
  verify(token: string): TokenVerification {
    let payload: unknown;
    try {
      payload = this.jwt.verify<object>(token, {
        // Pinning the algorithm refuses `alg: none` and keys of another type passed off as the HMAC secret.
        algorithms: [ALGORITHM],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTimestamp: this.nowSeconds(),
      });
    } catch (error) {
      if (error instanceof TokenExpiredError) {
        return { ok: false, reason: 'token_expired', message: `token expired at ${error.expiredAt.toISOString()}` };
      }
      return { ok: false, reason: 'token_invalid', message: error instanceof Error ? error.message : String(error) };
    }
    const validation = validateClaims(payload);
    if (!validation.ok) return { ok: false, reason: 'claims_invalid', message: validation.message };
    return { ok: true, principal: principalFromClaims(validation.claims), claims: validation.claims };
  }

  /** `verify` for the token a request carries, at most once per request and token. */
  verifyForRequest(request: object, token: string): TokenVerification {
    const known = this.verifiedRequests.get(request);
    if (known !== undefined && known.token === token) return known.verification;
    const verification = this.verify(token);
    this.verifiedRequests.set(request, { token, verification });
    return verification;
  }

  private nowSeconds(): number {
    return Math.floor(this.clock().getTime() / 1000);
  }
}
