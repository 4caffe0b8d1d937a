import { ForbiddenException } from '@nestjs/common';
import { agentPrincipal, opsPrincipal, storeManagerPrincipal } from './testing';
import { assertResourceStoreAccess, assertStoreAccess, canAccessStore, storeScope } from './store-scope';

describe('store scoping', () => {
  const manager = storeManagerPrincipal({ storeIds: ['S001', 'S002'] });

  describe('canAccessStore', () => {
    it.each([
      ['ops', opsPrincipal()],
      ['agent', agentPrincipal()],
    ])('lets %s see every store and complaints without a store', (_role, principal) => {
      expect(canAccessStore(principal, 'S001')).toBe(true);
      expect(canAccessStore(principal, 'S999')).toBe(true);
      expect(canAccessStore(principal, null)).toBe(true);
    });

    it('lets a store manager see only their own stores', () => {
      expect(canAccessStore(manager, 'S001')).toBe(true);
      expect(canAccessStore(manager, 'S002')).toBe(true);
      expect(canAccessStore(manager, 'S003')).toBe(false);
    });

    it('never lets a store manager see a complaint that has no store', () => {
      expect(canAccessStore(manager, null)).toBe(false);
    });

    it('compares store ids exactly', () => {
      expect(canAccessStore(manager, 's001')).toBe(false);
      expect(canAccessStore(manager, 'S00')).toBe(false);
      expect(canAccessStore(manager, '')).toBe(false);
    });
  });

  describe('storeScope', () => {
    it('is every store for ops and agents', () => {
      expect(storeScope(opsPrincipal())).toEqual({ kind: 'all' });
      expect(storeScope(agentPrincipal())).toEqual({ kind: 'all' });
    });

    it("is the manager's stores for a store manager", () => {
      expect(storeScope(manager)).toEqual({ kind: 'stores', storeIds: ['S001', 'S002'] });
    });
  });

  describe('assertStoreAccess', () => {
    it('returns quietly when access is allowed', () => {
      expect(() => assertStoreAccess(manager, 'S002')).not.toThrow();
      expect(() => assertStoreAccess(agentPrincipal(), null)).not.toThrow();
    });

    it.each([['S003'], [null]])('throws a 403 with reason store_forbidden for store %p', (storeId) => {
      let thrown: unknown;
      try {
        assertStoreAccess(manager, storeId);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ForbiddenException);
      expect((thrown as ForbiddenException).getResponse()).toMatchObject({
        statusCode: 403,
        reason: 'store_forbidden',
        storeId,
      });
    });
  });

  describe('assertResourceStoreAccess', () => {
    it('returns quietly when access is allowed', () => {
      expect(() => assertResourceStoreAccess(manager, 'S001', 'complaint')).not.toThrow();
      expect(() => assertResourceStoreAccess(opsPrincipal(), 'S999', 'complaint')).not.toThrow();
    });

    it.each([['S003'], [null]])('refuses store %p without telling which store the resource is in', (storeId) => {
      let thrown: unknown;
      try {
        assertResourceStoreAccess(manager, storeId, 'escalation');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ForbiddenException);
      const body = (thrown as ForbiddenException).getResponse();
      expect(body).toEqual({ statusCode: 403, error: 'Forbidden', reason: 'store_forbidden', message: 'this escalation is not in one of your stores' });
      expect(JSON.stringify(body)).not.toContain('S003');
    });
  });
});
