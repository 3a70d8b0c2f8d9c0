/**
 * Errors in Spotify's Web API shape: `{"error": {"status": 400, "message": "…"}}`. The clients
 * parse exactly this (spotify-web-api-node turns it into a WebapiRegularError with statusCode and
 * body; the TypeScript SDK reads the status).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../../core/common/errors.ts';

export class SpotifyError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'SpotifyError';
  }
}

export interface SpotifyErrorBody {
  error: { status: number; message: string };
}

export function spotifyErrorBody(status: number, message: string): SpotifyErrorBody {
  return { error: { status, message } };
}

interface AjvError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Error handler of the /v1 scope: every error leaves in Spotify's shape, never with a stack. */
export function spotifyErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const fe = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  let status: number;
  let message: string;
  if (fe.validation?.length) {
    const e = fe.validation[0];
    const field = (e.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') || String(e.params?.missingProperty ?? fe.validationContext ?? 'request');
    status = 400;
    message = `Invalid ${field}: ${e.message ?? 'invalid value'}`;
  } else if (error instanceof SpotifyError) {
    status = error.status;
    message = error.message;
  } else if (error instanceof InputError) {
    status = 400;
    message = error.message;
  } else if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own client errors carry fixed messages that are safe to show.
    status = fe.statusCode;
    message = fe.message;
  } else {
    request.log.error({ err: error }, 'internal error in the Spotify-compatible surface');
    status = 500;
    message = 'Internal server error';
  }
  if (status === 401) void reply.header('www-authenticate', 'Bearer realm="moodscape"');
  void reply.code(status).type('application/json; charset=utf-8').send(spotifyErrorBody(status, message));
}

export function spotifyNotFound(request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0].slice(0, 200);
  void reply.code(404).type('application/json; charset=utf-8').send(spotifyErrorBody(404, `Service not found: ${request.method} ${path} is not part of moodscape's Spotify-compatible surface`));
}
