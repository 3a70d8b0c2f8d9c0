/**
 * The JSON body parser of the native API: plain JSON.parse, except that keys which would reach an
 * object's prototype (`__proto__`, and `constructor` holding `prototype`) are refused by name
 * rather than reported as "not valid JSON".
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';

export function parseJsonBody(text: string): unknown {
  if (text === '') throw new ApiError(400, 'the body is empty, but its content-type is application/json');
  let refused: string | null = null;
  let value: unknown;
  try {
    value = JSON.parse(text, function (key, v) {
      if (key === '__proto__' || (key === 'constructor' && v !== null && typeof v === 'object' && Object.hasOwn(v, 'prototype'))) refused ??= key;
      return v;
    });
  } catch (e) {
    if (e instanceof RangeError) throw new ApiError(400, 'the JSON body is nested too deeply', 'body');
    throw new ApiError(400, `the body is not valid JSON (${(e as Error).message.replace(/[^\x20-\x7e]/g, '?').slice(0, 120)})`);
  }
  if (refused !== null) throw new ApiError(400, `the JSON body has a "${refused}" key, which is refused (it would reach an object's prototype)`, 'body');
  return value;
}

export function useJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req: FastifyRequest, body: string | Buffer, done: (err: Error | null, value?: unknown) => void) => {
    try {
      done(null, parseJsonBody(typeof body === 'string' ? body : body.toString('utf8')));
    } catch (e) {
      done(e as Error);
    }
  });
}
