import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiUnauthorizedResponse, type DocumentBuilder } from '@nestjs/swagger';
import { ACCESS_DENIED_REASONS, AUTH_FAILURE_REASONS } from './auth-errors';
import { ROLES } from './roles';

/** The name of the security scheme every protected operation refers to in the OpenAPI document. */
export const BEARER_AUTH_SCHEME = 'bearer';

/** Declares the bearer scheme on an app's OpenAPI document; pair it with `@ApiJwtAuth()` on controllers. */
export function withBearerAuth(builder: DocumentBuilder): DocumentBuilder {
  return builder.addBearerAuth(
    {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: `HS256 access token with claims sub, role (${ROLES.join(' | ')}), stores (store managers), iss, aud, exp, iat.`,
    },
    BEARER_AUTH_SCHEME,
  );
}

/** OpenAPI schema of the 401 and 403 bodies the auth guards and `assertStoreAccess` send. */
export const AUTH_ERROR_BODY_SCHEMA = {
  type: 'object' as const,
  required: ['statusCode', 'error', 'reason', 'message'],
  properties: {
    statusCode: { type: 'integer' as const, enum: [401, 403] },
    error: { type: 'string' as const, enum: ['Unauthorized', 'Forbidden'] },
    reason: { type: 'string' as const, enum: [...AUTH_FAILURE_REASONS, ...ACCESS_DENIED_REASONS] },
    message: { type: 'string' as const },
    allowedRoles: { type: 'array' as const, items: { type: 'string' as const, enum: [...ROLES] } },
    storeId: { type: 'string' as const, nullable: true },
  },
};

/** Marks a controller or route as requiring a bearer token in the OpenAPI document, with its 401 answer. */
export function ApiJwtAuth(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiBearerAuth(BEARER_AUTH_SCHEME),
    ApiUnauthorizedResponse({
      description: `No valid bearer token; reason is one of ${AUTH_FAILURE_REASONS.join(', ')}`,
      schema: AUTH_ERROR_BODY_SCHEMA,
    }),
  );
}
