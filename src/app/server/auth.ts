/**
 * Bearer-token authorisation, one check for every guarded route (the native write routes and the
 * Spotify-compatible /v1 surface). The token comes from MOODSCAPE_TOKEN; without one the guarded
 * routes are disabled (403) unless the server was started with --no-auth.
 *
 * The check runs as an `onRequest` hook: before the body is read, parsed or validated, so an
 * unauthorised caller learns nothing about the schema and costs no parsing, whatever it sends.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';

export type AuthMode = { kind: 'token'; token: string } | { kind: 'open' } | { kind: 'read-only' };

export function authMode(token: string | undefined, noAuth: boolean): AuthMode {
  if (noAuth) return { kind: 'open' };
  if (token !== undefined && token !== '') return { kind: 'token', token };
  return { kind: 'read-only' };
}

/** What a request's Authorization header amounts to under a mode. */
export type BearerVerdict = 'allowed' | 'disabled' | 'missing' | 'malformed' | 'wrong';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The one bearer check: compares digests in constant time, so timing does not reveal the token. */
export function bearerCheck(mode: AuthMode): (authorization: string | string[] | undefined) => BearerVerdict {
  const want = mode.kind === 'token' ? digest(mode.token) : undefined;
  return (header) => {
    if (mode.kind === 'open') return 'allowed';
    if (mode.kind === 'read-only') return 'disabled';
    if (typeof header !== 'string' || header.trim() === '') return 'missing';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return 'malformed';
    return timingSafeEqual(digest(m[1]), want!) ? 'allowed' : 'wrong';
  };
}

/** An onRequest hook that lets a native write through only with the right bearer token. */
export function requireWrite(mode: AuthMode): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const check = bearerCheck(mode);
  return async (request) => {
    const verdict = check(request.headers.authorization);
    if (verdict === 'allowed') return;
    if (verdict === 'disabled') throw new ApiError(403, 'writes are disabled: start the server with MOODSCAPE_TOKEN set (or --no-auth for local use)');
    throw new ApiError(401, verdict === 'wrong' ? 'wrong token' : 'this route needs "Authorization: Bearer <token>"');
  };
}
