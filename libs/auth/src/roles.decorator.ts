import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import { AUTH_ERROR_BODY_SCHEMA } from './auth.swagger';
import type { Role } from './roles';

export const ROLES_KEY = 'auth:roles';

/**
 * Restricts a route (or a whole controller; a route's own `@Roles` wins) to the given roles.
 * Routes without it are open to every authenticated role.
 */
export function Roles(...roles: [Role, ...Role[]]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiForbiddenResponse({
      description: `Only for roles: ${roles.join(', ')} (reason role_forbidden)`,
      schema: AUTH_ERROR_BODY_SCHEMA,
    }),
  );
}
