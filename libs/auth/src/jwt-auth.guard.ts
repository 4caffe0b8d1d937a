import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { authFailure, type AuthFailureReason } from './auth-errors';
import { readBearerToken, type AuthenticatedRequest } from './authenticated-request';
import { IS_PUBLIC_KEY } from './public.decorator';
import { TokenService } from './token.service';

interface HeaderWritable {
  setHeader?(name: string, value: string): unknown;
}

/**
 * Authenticates every route that is not `@Public()`: verifies the bearer token and puts the Principal
 * on the request. Installed globally by AuthModule, so a new route is protected unless it says otherwise.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic === true) return true;
    // Only HTTP carries a bearer token; any other transport is refused rather than let through.
    if (context.getType() !== 'http') return false;

    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const bearer = readBearerToken(request.headers.authorization);
    if (!bearer.ok) this.reject(http.getResponse<HeaderWritable>(), bearer.reason, bearer.message);

    const verification = this.tokens.verifyForRequest(request, bearer.token);
    if (!verification.ok) this.reject(http.getResponse<HeaderWritable>(), verification.reason, verification.message);

    request.principal = verification.principal;
    return true;
  }

  private reject(response: HeaderWritable, reason: AuthFailureReason, message: string): never {
    // RFC 6750 section 3: a 401 names the scheme, and the error when a token was presented.
    response.setHeader?.('WWW-Authenticate', reason === 'token_missing' ? 'Bearer' : 'Bearer error="invalid_token"');
    throw authFailure(reason, message);
  }
}
