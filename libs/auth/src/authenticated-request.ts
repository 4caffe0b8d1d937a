import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from './principal';

/** The part of an HTTP request the auth guards read and write; Express requests satisfy it. */
export interface AuthenticatedRequest {
  readonly headers: IncomingHttpHeaders;
  principal?: Principal;
}

export type BearerToken =
  | { readonly ok: true; readonly token: string }
  | { readonly ok: false; readonly reason: 'token_missing' | 'token_invalid'; readonly message: string };

// RFC 6750 section 2.1: the scheme is case-insensitive, the credential is a b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Reads the token of an `Authorization: Bearer <token>` header. */
export function readBearerToken(authorization: string | undefined): BearerToken {
  if (authorization === undefined || authorization.trim() === '') {
    return { ok: false, reason: 'token_missing', message: 'an Authorization: Bearer <token> header is required' };
  }
  const match = BEARER.exec(authorization);
  if (match === null) {
    return { ok: false, reason: 'token_invalid', message: 'the Authorization header is not of the form Bearer <token>' };
  }
  return { ok: true, token: match[1] };
}
