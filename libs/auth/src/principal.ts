import type { Role } from './roles';

/**
 * The authenticated caller of a request, as established from a verified token.
 * `storeIds` is non-empty for a store manager and empty for every other role.
 */
export interface Principal {
  readonly subject: string;
  readonly role: Role;
  readonly storeIds: readonly string[];
}
