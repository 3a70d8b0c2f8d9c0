/**
 * Bearer-token authorisation for write routes. The token comes from MOODSCAPE_TOKEN; without one
 * the write routes are disabled (403) unless the server was started with --no-auth.
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

const digest = (s: string) => createHash('sha256').update(s).digest();

/** A preHandler that lets a write through only with the right bearer token. */
export function requireWrite(mode: AuthMode): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const want = mode.kind === 'token' ? digest(mode.token) : undefined;
  return async (request) => {
    if (mode.kind === 'open') return;
    if (mode.kind === 'read-only') {
      throw new ApiError(403, 'writes are disabled: start the server with MOODSCAPE_TOKEN set (or --no-auth for local use)');
    }
    const header = request.headers.authorization;
    const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!m) throw new ApiError(401, 'this route needs "Authorization: Bearer <token>"');
    if (!timingSafeEqual(digest(m[1]), want!)) throw new ApiError(401, 'wrong token');
  };
}
