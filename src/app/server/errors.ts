/**
 * One error shape for the whole native API: `{statusCode, error, message, field?}`.
 *
 * - Schema failures → 400 naming the field (`body.tracks[0].energy`, `querystring.limit` …).
 * - InputError from the library (unknown mood, unknown seed id …) → 400 with its message.
 * - Fastify's own client errors (413 body too large, 415 media type, malformed JSON) keep their
 *   status and their (safe, fixed) message.
 * - The store not answering → 503 with Retry-After (store-health.ts).
 * - Anything else → 500 "internal error"; the stack goes to the log, never to the client.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../../core/common/errors.ts';
import { isStoreUnavailable } from '../../io/store/store-errors.ts';
import { RETRY_AFTER_SECONDS } from './store-health.ts';

export class ApiError extends Error {
  constructor(readonly statusCode: number, message: string, readonly field?: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  field?: string;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 408: 'Request Timeout', 409: 'Conflict', 413: 'Payload Too Large', 414: 'URI Too Long',
  415: 'Unsupported Media Type', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

export function errorBody(statusCode: number, message: string, field?: string): ErrorBody {
  const body: ErrorBody = { statusCode, error: REASONS[statusCode] ?? 'Error', message };
  if (field !== undefined) body.field = field;
  return body;
}

interface AjvError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `/tracks/0/energy` + context `body` → `body.tracks[0].energy`. */
export function fieldName(context: string | undefined, instancePath: string | undefined, extra?: unknown): string {
  const parts = (instancePath ?? '').split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (typeof extra === 'string' && extra !== '') parts.push(extra);
  let out = context ?? '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : `${out ? '.' : ''}${p}`;
  return out || (context ?? 'request');
}

/** The first schema failure as {field, message}. */
export function describeValidation(validation: readonly AjvError[], context: string | undefined): { field: string; message: string } {
  // Prefer the most specific error: a missing/extra property or a type/range error over anyOf noise.
  const e = validation.find((v) => v.keyword !== 'anyOf' && v.keyword !== 'oneOf' && v.keyword !== 'if') ?? validation[0];
  const p = e.params ?? {};
  const extra = p.missingProperty ?? p.additionalProperty;
  const field = fieldName(context, e.instancePath, extra);
  let message: string;
  if (e.keyword === 'required') message = `${field} is required`;
  else if (e.keyword === 'additionalProperties') message = `${field} is not a known field`;
  else if (e.keyword === 'enum' && Array.isArray(p.allowedValues)) message = `${field} must be one of ${(p.allowedValues as unknown[]).join(', ')}`;
  else message = `${field} ${e.message ?? 'is invalid'}`;
  return { field, message };
}

export function errorHandler(this: unknown, error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const fe = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation) {
    const { field, message } = describeValidation(fe.validation, fe.validationContext);
    void reply.code(400).send(errorBody(400, message, field));
    return;
  }
  if (error instanceof ApiError) {
    void reply.code(error.statusCode).send(errorBody(error.statusCode, error.message, error.field));
    return;
  }
  if (error instanceof InputError) {
    void reply.code(400).send(errorBody(400, error.message, error.column));
    return;
  }
  if (isStoreUnavailable(error)) {
    request.server.storeHealth?.markDown(error);
    request.log.warn({ err: error }, 'catalogue store unavailable');
    void reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send(errorBody(503, 'the catalogue store is unavailable; try again shortly'));
    return;
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors (FST_ERR_CTP_BODY_TOO_LARGE, FST_ERR_CTP_INVALID_MEDIA_TYPE,
    // malformed JSON …): fixed messages, safe to show.
    void reply.code(status).send(errorBody(status, fe.message));
    return;
  }
  request.log.error({ err: error }, 'internal error');
  void reply.code(500).send(errorBody(500, 'internal error'));
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send(errorBody(404, `no route ${request.method} ${safePath(request.url)}`));
}

/** The request path for messages: no query string, at most 200 characters. */
export function safePath(url: string): string {
  const p = url.split('?')[0];
  return p.length > 200 ? p.slice(0, 200) + '…' : p;
}
