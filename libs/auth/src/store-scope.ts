import { resourceStoreForbidden, storeForbidden } from './auth-errors';
import type { Principal } from './principal';

/** Which stores a list query may return for a principal. */
export type StoreScope = { readonly kind: 'all' } | { readonly kind: 'stores'; readonly storeIds: readonly string[] };

/**
 * Whether a principal may see a complaint of the given store (`null`: a complaint not tied to a store).
 * Hotline agents serve every store, so only store managers are scoped.
 */
export function canAccessStore(principal: Principal, storeId: string | null): boolean {
  switch (principal.role) {
    case 'ops':
    case 'agent':
      return true;
    case 'store_manager':
      return storeId !== null && principal.storeIds.includes(storeId);
  }
}

export function storeScope(principal: Principal): StoreScope {
  switch (principal.role) {
    case 'ops':
    case 'agent':
      return { kind: 'all' };
    case 'store_manager':
      return { kind: 'stores', storeIds: principal.storeIds };
  }
}

/**
 * Throws a 403 with reason `store_forbidden` unless `canAccessStore` allows it. For a store the caller
 * named (a path or query parameter): the refusal repeats the store id.
 */
export function assertStoreAccess(principal: Principal, storeId: string | null): void {
  if (!canAccessStore(principal, storeId)) throw storeForbidden(storeId);
}

/**
 * The same check for a resource the caller named by its own id (`resource`: "complaint", "escalation"):
 * the refusal does not say which store the resource belongs to, or that it belongs to none.
 */
export function assertResourceStoreAccess(principal: Principal, storeId: string | null, resource: string): void {
  if (!canAccessStore(principal, storeId)) throw resourceStoreForbidden(resource);
}
