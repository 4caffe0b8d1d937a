import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { authFailure, roleForbidden } from './auth-errors';
import type { AuthenticatedRequest } from './authenticated-request';
import type { Role } from './roles';
import { ROLES_KEY } from './roles.decorator';

/** Enforces `@Roles(...)`. Runs after JwtAuthGuard, which has put the Principal on the request. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const allowedRoles = this.reflector.getAllAndOverride<readonly Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (allowedRoles === undefined || allowedRoles.length === 0) return true;
    if (context.getType() !== 'http') return false;

    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    // A role restriction implies authentication, even on a route that is also marked @Public().
    if (principal === undefined) throw authFailure('token_missing', 'this route requires a bearer token');
    if (!allowedRoles.includes(principal.role)) throw roleForbidden(principal.role, allowedRoles);
    return true;
  }
}
