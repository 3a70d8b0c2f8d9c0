/**
 * Limits enforced on the Node HTTP server itself, before Fastify sees a request:
 *
 * - a connection cap (`maxConnections`: further sockets are closed on arrival) and a headers timeout;
 * - `Expect: 100-continue` answered 413 when the declared Content-Length is over the route's body
 *   limit, so the client never sends the body and always reads the answer. Without this listener
 *   Node invites every body, and a refused upload races the socket's close against the 413.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './errors.ts';
import type { ServerLimits } from './limits.ts';

/** Body limit of `METHOD /path` (routes declare their own; others use the default). */
export type BodyLimitOf = (method: string, path: string) => number;

export function guardConnections(app: FastifyInstance, limits: ServerLimits, bodyLimitOf: BodyLimitOf): void {
  const server = app.server;
  server.maxConnections = limits.maxConnections;
  server.headersTimeout = limits.headersTimeoutMs;
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers['content-length']);
    const limit = bodyLimitOf(req.method ?? 'GET', (req.url ?? '/').split('?')[0]);
    if (Number.isFinite(declared) && declared > limit) {
      refuseBody(res, 413, `the body is larger than ${limit} bytes`);
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
}

/** Answers without reading the body, and closes the connection once the answer is out. */
function refuseBody(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify(errorBody(status, message));
  res.shouldKeepAlive = false;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}
