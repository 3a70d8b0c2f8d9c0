/** What the native API's plugins find on the Fastify instance. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CatalogueState } from './catalogue-state.ts';
import type { ServerLimits } from './limits.ts';
import type { StoreHealth } from './store-health.ts';

export interface ServerConfig {
  /** Serve this HTML file at GET /report instead of generating a report. */
  reportPath?: string;
  /** Whether write routes are open, token-protected or disabled (shown on /health). */
  auth: 'token' | 'open' | 'read-only';
  limits: ServerLimits;
}

declare module 'fastify' {
  interface FastifyInstance {
    catalogue: CatalogueState;
    serverConfig: ServerConfig;
    /** Whether the catalogue store answers (503 and "degraded" while it does not). */
    storeHealth: StoreHealth;
    /** onRequest hook of write routes (bearer token, checked before the body is read). */
    requireWrite: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

declare module 'fastify' {
  /** OpenAPI keys the routes put beside their JSON Schemas (read by openapi.ts). */
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: readonly string[];
    security?: readonly Record<string, readonly string[]>[];
    /** Left out of the OpenAPI document. */
    hide?: boolean;
    /** Content types of the 200 response when not JSON. */
    produces?: readonly string[];
  }
}
