import { readBearerToken } from './authenticated-request';

describe('readBearerToken', () => {
  const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl';

  it.each([[`Bearer ${token}`], [`bearer ${token}`], [`BEARER  ${token} `]])('reads %p', (header) => {
    expect(readBearerToken(header)).toEqual({ ok: true, token });
  });

  it.each([[undefined], [''], ['   ']])('reports a missing token for %p', (header) => {
    expect(readBearerToken(header)).toMatchObject({ ok: false, reason: 'token_missing' });
  });

  it.each([['Basic dXNlcjpwYXNz'], ['Bearer'], [`Bearer ${token} extra`], [`Bearer${token}`], [token]])(
    'reports a malformed header for %p',
    (header) => {
      expect(readBearerToken(header)).toMatchObject({ ok: false, reason: 'token_invalid' });
    },
  );
});
