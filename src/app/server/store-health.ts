/**
 * Whether the catalogue store answers. A store call that fails as unavailable marks the store
 * down (the request gets 503 + Retry-After); `/health` probes it again, so the state recovers as
 * soon as the store does (pg's pool reconnects by itself). While the store is down the server
 * keeps answering reads from its in-memory snapshot and says so in an `x-moodscape-degraded` header.
 */
import type { CatalogueStore } from '../../io/store/open-store.ts';

/** Seconds a client is asked to wait before retrying while the store is down. */
export const RETRY_AFTER_SECONDS = 5;
/** A probe that takes longer than this counts as a failure. */
const PROBE_TIMEOUT_MS = 2000;

export interface DependencyProblem {
  dependency: string;
  since: string;
  message: string;
}

export class StoreHealth {
  private downSince: string | null = null;
  private reason = '';

  constructor(private readonly store: CatalogueStore) {}

  get down(): boolean {
    return this.downSince !== null;
  }

  markDown(e: unknown): void {
    this.downSince ??= new Date().toISOString();
    this.reason = (e as { code?: string }).code ?? 'unreachable';
  }

  markUp(): void {
    this.downSince = null;
  }

  /** What is failing, for /health and the degraded header (no hosts, ports or paths). */
  problems(): DependencyProblem[] {
    if (this.downSince === null) return [];
    return [{ dependency: `store (${this.store.kind})`, since: this.downSince, message: `the catalogue store does not answer (${this.reason}); writes get 503, reads are served from the last snapshot` }];
  }

  /** Asks the store for its schema version; updates and returns the state. */
  async probe(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.store.schemaVersion(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(Object.assign(new Error('probe timed out'), { code: 'ETIMEDOUT' })), PROBE_TIMEOUT_MS); }),
      ]);
      this.markUp();
      return true;
    } catch (e) {
      this.markDown(e);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
