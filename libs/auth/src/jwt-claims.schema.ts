import { Type, type Static, type TSchema } from '@sinclair/typebox';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { Principal } from './principal';
import { ROLES, type Role } from './roles';

/** Printable text only: an identifier with control characters (NUL above all) is never a real one. */
const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001F\\u007F]+$';

/** The same bounds as the storeId of complaint events, so any store a complaint can name can be granted. */
export const StoreIdSchema = Type.String({ minLength: 1, maxLength: 64, pattern: NO_CONTROL_CHARACTERS });

const registeredClaims = {
  sub: Type.String({ minLength: 1, maxLength: 256, pattern: NO_CONTROL_CHARACTERS }),
  iss: Type.String({ minLength: 1 }),
  // RFC 7519 allows one audience or several; tokens from an external issuer may carry a list.
  aud: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })]),
  iat: Type.Integer({ minimum: 0 }),
  exp: Type.Integer({ minimum: 0 }),
};

// A store grant on a role that is not store-scoped is a mistake in the issuer; refusing it keeps
// "agent or ops with stores" from ever meaning something.
const NoStores = Type.Optional(Type.Array(StoreIdSchema, { maxItems: 0 }));

export const AgentClaimsSchema = Type.Object({ ...registeredClaims, role: Type.Literal('agent'), stores: NoStores });
export const OpsClaimsSchema = Type.Object({ ...registeredClaims, role: Type.Literal('ops'), stores: NoStores });
export const StoreManagerClaimsSchema = Type.Object({
  ...registeredClaims,
  role: Type.Literal('store_manager'),
  stores: Type.Array(StoreIdSchema, { minItems: 1, uniqueItems: true }),
});

/** `satisfies` makes adding a role without its claims schema a compile error. */
const CLAIMS_SCHEMA_BY_ROLE = {
  agent: AgentClaimsSchema,
  store_manager: StoreManagerClaimsSchema,
  ops: OpsClaimsSchema,
} satisfies Record<Role, TSchema>;

export type JwtClaims =
  | Static<typeof AgentClaimsSchema>
  | Static<typeof OpsClaimsSchema>
  | Static<typeof StoreManagerClaimsSchema>;

/**
 * The claims of an access token, one branch per role. The discriminator makes the validator pick the
 * branch by `role`, so an error names the real problem ("must have required property 'stores'")
 * instead of listing why every branch failed.
 */
export const JwtClaimsSchema = Type.Unsafe<JwtClaims>({
  type: 'object',
  discriminator: { propertyName: 'role' },
  oneOf: Object.values(CLAIMS_SCHEMA_BY_ROLE),
});

const ajv = new Ajv({ allErrors: true, strict: true, discriminator: true });
const validateJwtClaims: ValidateFunction<JwtClaims> = ajv.compile(JwtClaimsSchema);

export type ClaimsValidation =
  | { readonly ok: true; readonly claims: JwtClaims }
  | { readonly ok: false; readonly message: string };

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((error) => {
      const at = error.instancePath === '' ? 'claims' : error.instancePath.slice(1);
      if (error.keyword === 'discriminator') return `role must be one of ${ROLES.join(', ')}`;
      return `${at} ${error.message ?? 'is invalid'}`;
    })
    .join('; ');
}

/** Checks the payload of a token whose signature has already been verified. Never throws. */
export function validateClaims(candidate: unknown): ClaimsValidation {
  if (validateJwtClaims(candidate)) return { ok: true, claims: candidate };
  return { ok: false, message: describe(validateJwtClaims.errors) };
}

export function principalFromClaims(claims: JwtClaims): Principal {
  const storeIds = claims.role === 'store_manager' ? [...claims.stores] : [];
  return Object.freeze({ subject: claims.sub, role: claims.role, storeIds: Object.freeze(storeIds) });
}
