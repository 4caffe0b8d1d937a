import { principalFromClaims, validateClaims } from './jwt-claims.schema';

/** Valid claims of the given role; override or remove (`undefined`) what a test is about. */
function claims(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const valid: Record<string, unknown> = {
    sub: 'agent-42',
    role: 'agent',
    iss: 'complaints',
    aud: 'complaints-api',
    iat: 1_700_000_000,
    exp: 1_700_003_600,
  };
  const result = { ...valid, ...changes };
  for (const [name, value] of Object.entries(result)) if (value === undefined) delete result[name];
  return result;
}

const managerClaims = (changes: Record<string, unknown> = {}) =>
  claims({ sub: 'manager-7', role: 'store_manager', stores: ['S001', 'S002'], ...changes });

describe('validateClaims', () => {
  it.each([
    ['an agent', claims()],
    ['ops', claims({ role: 'ops' })],
    ['an agent with an explicitly empty store list', claims({ stores: [] })],
    ['a store manager with stores', managerClaims()],
    ['a list of audiences', claims({ aud: ['other-api', 'complaints-api'] })],
    ['extra registered claims', claims({ jti: 'b7d1', nbf: 1_700_000_000 })],
  ])('accepts %s', (_case, candidate) => {
    expect(validateClaims(candidate)).toEqual({ ok: true, claims: candidate });
  });

  it.each([
    ['an unknown role', claims({ role: 'admin' }), /role must be one of agent, store_manager, ops/],
    ['a missing role', claims({ role: undefined }), /role must be one of/],
    ['a role of the wrong type', claims({ role: 1 }), /role must be one of/],
    ['a store manager without stores', managerClaims({ stores: undefined }), /required property 'stores'/],
    ['a store manager with an empty store list', managerClaims({ stores: [] }), /stores must NOT have fewer than 1/],
    ['a store manager with a store twice', managerClaims({ stores: ['S001', 'S001'] }), /stores must NOT have duplicate/],
    ['an empty store id', managerClaims({ stores: [''] }), /stores\/0/],
    ['ops with stores', claims({ role: 'ops', stores: ['S001'] }), /stores must NOT have more than 0/],
    ['an agent with stores', claims({ stores: ['S001'] }), /stores must NOT have more than 0/],
    ['a missing subject', claims({ sub: undefined }), /required property 'sub'/],
    ['an empty subject', claims({ sub: '' }), /sub must NOT have fewer than 1/],
    ['a missing expiry', claims({ exp: undefined }), /required property 'exp'/],
    ['a fractional issue time', claims({ iat: 1.5 }), /iat must be integer/],
    ['a payload that is not an object', 'agent-42', /claims must be object/],
  ])('refuses %s', (_case, candidate, message) => {
    const result = validateClaims(candidate);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('principalFromClaims', () => {
  it("maps a store manager's stores", () => {
    const result = validateClaims(managerClaims());
    if (!result.ok) throw new Error(result.message);
    expect(principalFromClaims(result.claims)).toEqual({
      subject: 'manager-7',
      role: 'store_manager',
      storeIds: ['S001', 'S002'],
    });
  });

  it('gives other roles no stores, even with an empty list in the token', () => {
    const result = validateClaims(claims({ role: 'ops', stores: [] }));
    if (!result.ok) throw new Error(result.message);
    expect(principalFromClaims(result.claims)).toEqual({ subject: 'agent-42', role: 'ops', storeIds: [] });
  });
});
