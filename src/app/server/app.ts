/**
 * The moodscape service as one Fastify plugin (wrapped with fastify-plugin, so what it decorates —
 * `catalogue`, `serverConfig`, `requireWrite` — is visible to plugins registered beside it, such as
 * the Spotify-compatible /v1 routes). Each resource is its own encapsulated plugin under routes/.
 *
 *   const app = Fastify(serverOptions());
 *   await app.register(moodscapeApp, { state, auth: authMode(token, noAuth) });
 *   await app.register(v1Routes, { prefix: '/v1' });   // its own error handler inside
 *
 * The error handler and the 404 handler set here apply to every route that does not set its own.
 */
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { AjvCompiler } from '@fastify/ajv-compiler';
import { requireWrite, type AuthMode } from './auth.ts';
import type { CatalogueState } from './catalogue-state.ts';
import { errorBody, errorHandler, notFoundHandler } from './errors.ts';
import { spotifyErrorBody } from '../spotify/errors.ts';
import { DEFAULT_LIMITS, type ServerLimits } from './limits.ts';
import { useJsonBodyParser } from './json-body.ts';
import { StoreHealth } from './store-health.ts';
import { collectRoute, type CollectedRoute } from './openapi.ts';
import healthRoutes from './routes/health/index.ts';
import moodRoutes from './routes/moods/index.ts';
import contextRoutes from './routes/contexts/index.ts';
import trackRoutes from './routes/tracks/index.ts';
import tagRoutes from './routes/tag/index.ts';
import recommendRoutes from './routes/recommend/index.ts';
import feedbackRoutes from './routes/feedback/index.ts';
import modelRoutes from './routes/models/index.ts';
import mapRoutes from './routes/map/index.ts';
import reportRoutes from './routes/report/index.ts';
import docsRoutes from './routes/docs/index.ts';
import webApp from '../web/serve-web.ts';
import './types.ts';

export const VERSION = '0.1.0';

export interface AppOptions {
  state: CatalogueState;
  auth: AuthMode;
  /** Serve this file at GET /report instead of generating one. */
  reportPath?: string;
  /** Serve the web app at / (default true). */
  web?: boolean;
  /** Default: DEFAULT_LIMITS. */
  limits?: ServerLimits;
}

const AJV_COMMON = { removeAdditional: false, useDefaults: true, allErrors: false } as const;

/**
 * Bodies are checked strictly (a string where a number belongs is a 400, not coerced); query
 * strings and path parameters are text by nature, so there numbers and booleans are coerced.
 */
function buildValidator(external: unknown, ajvOpts: unknown) {
  const factory = AjvCompiler();
  const o = (ajvOpts ?? {}) as { customOptions?: Record<string, unknown> };
  const strict = factory(external as never, { ...o, customOptions: { ...o.customOptions, ...AJV_COMMON, coerceTypes: false } });
  const coercing = factory(external as never, { ...o, customOptions: { ...o.customOptions, ...AJV_COMMON, coerceTypes: 'array' } });
  return (route: Parameters<typeof strict>[0]) => (route.httpPart === 'body' ? strict(route) : coercing(route));
}

/** Fastify factory options the service expects: schema checks that reject unknown fields, limits, timeouts. */
export function serverOptions(extra: FastifyServerOptions = {}, limits: ServerLimits = DEFAULT_LIMITS): FastifyServerOptions {
  return {
    schemaController: { compilersFactory: { buildValidator: buildValidator as never } },
    bodyLimit: limits.bodyBytes,
    connectionTimeout: limits.idleTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxRequestsPerSocket: limits.requestsPerConnection,
    // Passed to http.createServer (not in FastifyServerOptions' type).
    ...({ http: { maxHeaderSize: limits.headerBytes } } as object),
    routerOptions: { maxParamLength: 300 },
    return503OnClosing: true,
    // Fastify's own URL errors (a bad %-escape …) in the service's shape, without echoing the URL.
    // Under /v1 in Spotify's shape, as the rest of that surface.
    frameworkErrors: (error, request, reply) => {
      const status = typeof (error as { statusCode?: number }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 400;
      const message = status === 414 ? 'a path parameter of the URL is too long' : 'the URL is not valid (bad %-escape or characters)';
      const spotify = /^\/v1(\/|$)/.test(request.raw.url ?? '');
      void (reply as FastifyReply).code(status).send(spotify ? spotifyErrorBody(status, message) : errorBody(status, message));
    },
    ...extra,
  };
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** True when the path, decoded up to three times, climbs out of where it points (`..`), or holds NUL or a backslash. */
export function isTraversal(rawUrl: string): boolean {
  let p = rawUrl.split('?')[0];
  for (let i = 0; i < 3; i++) {
    if (/(^|[/\\])\.\.([/\\]|$)/.test(p) || p.includes('\0') || p.includes('\\')) return true;
    let next: string;
    try { next = decodeURIComponent(p); } catch { return true; }
    if (next === p) break;
    p = next;
  }
  return /(^|[/\\])\.\.([/\\]|$)/.test(p) || p.includes('\0') || p.includes('\\');
}

async function moodscapeAppPlugin(app: FastifyInstance, opts: AppOptions): Promise<void> {
  const routes: CollectedRoute[] = [];
  const limits = opts.limits ?? DEFAULT_LIMITS;
  app.addHook('onRoute', (r) => collectRoute(routes, r));
  app.decorate('catalogue', opts.state);
  app.decorate('serverConfig', { reportPath: opts.reportPath, auth: opts.auth.kind, limits });
  app.decorate('requireWrite', requireWrite(opts.auth));
  app.decorate('storeHealth', new StoreHealth(opts.state.store));

  const urlBytes = limits.urlBytes;
  app.addHook('onRequest', async (req, reply) => {
    if (Buffer.byteLength(req.url) > urlBytes) return reply.code(414).send(errorBody(414, `the URL is longer than ${urlBytes} bytes`));
    // Path traversal never reaches a route or the file system: 404, as for any unknown path.
    if (isTraversal(req.url)) return reply.code(404).send(errorBody(404, 'not found'));
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(k)) reply.header(k, v);
    // Say so while the store is down: what this answer came from.
    if (app.storeHealth.down) reply.header('x-moodscape-degraded', `store unavailable; served from snapshot ${app.catalogue.snapshot.version}`);
    return payload;
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  useJsonBodyParser(app);

  await app.register(healthRoutes);
  await app.register(moodRoutes);
  await app.register(contextRoutes);
  await app.register(trackRoutes);
  await app.register(tagRoutes);
  await app.register(recommendRoutes);
  await app.register(feedbackRoutes);
  await app.register(modelRoutes);
  await app.register(mapRoutes);
  await app.register(reportRoutes);
  await app.register(docsRoutes, { routes, version: VERSION });
  if (opts.web ?? true) await app.register(webApp);
}

export const moodscapeApp = fp(moodscapeAppPlugin, { name: 'moodscape-app', fastify: '5.x' });
export default moodscapeApp;
