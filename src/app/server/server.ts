/**
 * Starting and stopping the service: builds the Fastify instance with the service's options,
 * registers the app plugin (and any plugins given beside it), listens, and closes gracefully on
 * SIGINT/SIGTERM (in-flight requests finish, then the store is closed).
 */
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import { moodscapeApp, serverOptions, type AppOptions } from './app.ts';
import { guardConnections } from './connection-guard.ts';
import { DEFAULT_LIMITS } from './limits.ts';

export interface CreateServerOptions extends AppOptions {
  /** Fastify logger option (default false). */
  logger?: FastifyServerOptions['logger'];
  /** Plugins registered after the app, e.g. `[[v1Routes, { prefix: '/v1' }]]`. */
  plugins?: readonly (readonly [FastifyPluginAsync<any>, Record<string, unknown>?])[];
}

export async function createServer(o: CreateServerOptions): Promise<FastifyInstance> {
  const limits = o.limits ?? DEFAULT_LIMITS;
  const app = Fastify(serverOptions({ logger: o.logger ?? false }, limits));
  const bodyLimits = new Map<string, number>();
  app.addHook('onRoute', (r) => {
    if (r.bodyLimit === undefined) return;
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) bodyLimits.set(`${m} ${r.url}`, r.bodyLimit);
  });
  guardConnections(app, limits, (method, path) => bodyLimits.get(`${method} ${path}`) ?? limits.bodyBytes);
  await app.register(moodscapeApp, { state: o.state, auth: o.auth, reportPath: o.reportPath, web: o.web, limits });
  for (const [plugin, opts] of o.plugins ?? []) await app.register(plugin, opts ?? {});
  await app.ready();
  return app;
}

export interface StartOptions extends CreateServerOptions {
  host: string;
  port: number;
  /** Close on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
}

/** Creates the server and listens; returns the instance and the address it listens on. */
export async function startServer(o: StartOptions): Promise<{ app: FastifyInstance; url: string; close: () => Promise<void> }> {
  const app = await createServer(o);
  const address = await app.listen({ host: o.host, port: o.port });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    await app.close();
    await o.state.changes?.close();
    await o.state.store.close();
  })());
  if (o.handleSignals ?? true) {
    const onSignal = (sig: NodeJS.Signals) => {
      app.log.info(`${sig}: closing`);
      close().then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { app, url: address, close };
}
