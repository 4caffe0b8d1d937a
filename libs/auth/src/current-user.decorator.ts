import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './authenticated-request';
import type { Principal } from './principal';

/** The Principal of the request, as set by JwtAuthGuard. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (principal === undefined) {
    // A programming error, not the caller's: the route is @Public() or the guard is not installed.
    throw new Error('@CurrentUser() used on a route that is not authenticated');
  }
  return principal;
});
