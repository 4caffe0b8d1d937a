import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { Role } from './roles';

/** Why a request was not authenticated (401). */
export const AUTH_FAILURE_REASONS = ['token_missing', 'token_expired', 'token_invalid', 'claims_invalid'] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

/** Why an authenticated request was refused (403). */
export const ACCESS_DENIED_REASONS = ['role_forbidden', 'store_forbidden'] as const;
export type AccessDeniedReason = (typeof ACCESS_DENIED_REASONS)[number];

export interface UnauthorizedBody {
  readonly statusCode: 401;
  readonly error: 'Unauthorized';
  readonly reason: AuthFailureReason;
  readonly message: string;
}

export interface RoleForbiddenBody {
  readonly statusCode: 403;
  readonly error: 'Forbidden';
  readonly reason: 'role_forbidden';
  readonly message: string;
  readonly allowedRoles: readonly Role[];
}

export interface StoreForbiddenBody {
  readonly statusCode: 403;
  readonly error: 'Forbidden';
  readonly reason: 'store_forbidden';
  readonly message: string;
  /** The store the caller named; absent when the caller named a resource, whose store is not told. */
  readonly storeId?: string | null;
}

export type AuthErrorBody = UnauthorizedBody | RoleForbiddenBody | StoreForbiddenBody;

export function authFailure(reason: AuthFailureReason, message: string): UnauthorizedException {
  const body: UnauthorizedBody = { statusCode: 401, error: 'Unauthorized', reason, message };
  return new UnauthorizedException(body);
}

export function roleForbidden(role: Role, allowedRoles: readonly Role[]): ForbiddenException {
  const body: RoleForbiddenBody = {
    statusCode: 403,
    error: 'Forbidden',
    reason: 'role_forbidden',
    message: `role ${role} may not use this route; allowed roles: ${allowedRoles.join(', ')}`,
    allowedRoles,
  };
  return new ForbiddenException(body);
}

/** Refuses a store the caller named (a path or query parameter), which the answer may repeat. */
export function storeForbidden(storeId: string | null): ForbiddenException {
  const body: StoreForbiddenBody = {
    statusCode: 403,
    error: 'Forbidden',
    reason: 'store_forbidden',
    message:
      storeId === null ? 'a complaint without a store is not visible to a store manager' : `no access to store ${storeId}`,
    storeId,
  };
  return new ForbiddenException(body);
}

/**
 * Refuses a resource the caller named by its id (a complaint, an escalation) that belongs to a store
 * the caller does not manage. The answer does not say which store that is: a manager of another store
 * must learn nothing of it.
 */
export function resourceStoreForbidden(resource: string): ForbiddenException {
  const body: StoreForbiddenBody = {
    statusCode: 403,
    error: 'Forbidden',
    reason: 'store_forbidden',
    message: `this ${resource} is not in one of your stores`,
  };
  return new ForbiddenException(body);
}
