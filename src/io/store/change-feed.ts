/**
 * Telling the other replicas of the service that the catalogue changed, through PostgreSQL's
 * LISTEN/NOTIFY: every replica listens on one channel, and after each committed write it notifies
 * the others, who rebuild their snapshot (or forget a user's cached recommendations). Each replica
 * ignores its own notifications. A listener that loses its connection reconnects and then reports
 * a catalogue change, because it may have missed some while it was away.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export const CHANGE_CHANNEL = 'moodscape_catalogue';

/** `model`: the store's current model changed (POST /models/adapt); replicas load and serve it. */
export type CatalogueChange = { what: 'catalogue' } | { what: 'model' } | { what: 'feedback'; user: string };

export interface ChangeFeed {
  publish(change: CatalogueChange): Promise<void>;
  /** `fn` runs for every change another replica publishes. */
  subscribe(fn: (change: CatalogueChange) => void): void;
  close(): Promise<void>;
}

export class PgChangeFeed implements ChangeFeed {
  readonly origin = randomUUID();
  private readonly pool: pg.Pool;
  private listener: pg.Client | null = null;
  private readonly subscribers: ((c: CatalogueChange) => void)[] = [];
  private closed = false;

  private constructor(private readonly url: string, private readonly log: (line: string) => void) {
    this.pool = new pg.Pool({ connectionString: url, max: 1 });
    this.pool.on('error', () => {});
  }

  static async open(url: string, o: { log?: (line: string) => void } = {}): Promise<PgChangeFeed> {
    const feed = new PgChangeFeed(url, o.log ?? (() => {}));
    await feed.listen();
    return feed;
  }

  private async listen(): Promise<void> {
    const c = new pg.Client({ connectionString: this.url });
    c.on('notification', (n) => {
      if (n.channel !== CHANGE_CHANNEL || !n.payload) return;
      let msg: { origin?: string; change?: CatalogueChange };
      try {
        msg = JSON.parse(n.payload);
      } catch {
        return;
      }
      if (msg.origin === this.origin || !msg.change) return;
      this.emit(msg.change);
    });
    const lost = (e?: Error) => {
      if (this.closed || this.listener !== c) return;
      this.listener = null;
      this.log(`replica: lost the change feed (${e?.message ?? 'connection ended'}); reconnecting`);
      c.end().catch(() => {});
      void this.reconnect();
    };
    c.on('error', lost);
    c.on('end', () => lost());
    await c.connect();
    await c.query(`LISTEN ${CHANGE_CHANNEL}`);
    this.listener = c;
  }

  private async reconnect(): Promise<void> {
    for (let delay = 250; !this.closed; delay = Math.min(5000, delay * 2)) {
      await new Promise((r) => setTimeout(r, delay));
      try {
        await this.listen();
        this.log('replica: change feed back; reloading the catalogue');
        this.emit({ what: 'catalogue' });
        return;
      } catch {
        // The server is still away: try again later.
      }
    }
  }

  private emit(change: CatalogueChange): void {
    for (const fn of this.subscribers) fn(change);
  }

  async publish(change: CatalogueChange): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify({ origin: this.origin, change })]);
  }

  subscribe(fn: (change: CatalogueChange) => void): void {
    this.subscribers.push(fn);
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.listener;
    this.listener = null;
    await c?.end().catch(() => {});
    await this.pool.end().catch(() => {});
  }
}
