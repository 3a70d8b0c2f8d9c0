/**
 * The job fleet's queue: pg-boss 10 on the catalogue's own PostgreSQL, reached only through this
 * module (job handlers never see pg-boss). One queue per job kind; a job is one batch of 50–100
 * tracks or files.
 *
 * - Enqueue: batches go into the ledger (fleet-ledger.ts) and pg-boss in one transaction, so a
 *   batch already known is skipped, and an interrupted enqueue resumes by running it again. The
 *   producer waits while `maxWaiting` jobs are queued (backpressure).
 * - Work: `fetch` takes a job with SKIP LOCKED; the handler computes its results; then one
 *   transaction locks the batch's ledger row, writes the results (unless an earlier delivery
 *   already did), records per-item failures, marks the batch done and completes the pg-boss job
 *   (pg-boss accepts the caller's connection as `db`). Delivery is at least once; the outcome is
 *   exactly once.
 * - Faults: a handler error fails the attempt, and pg-boss retries it with exponential backoff up
 *   to `retryLimit`, then keeps it as failed with the error. A worker that dies holds its job
 *   until `expireInSeconds` passes; any live worker's maintenance then hands it out again. A
 *   database restart makes queries fail for a while; workers keep polling and reconnect.
 */
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import PgBoss from 'pg-boss';
import pg from 'pg';
import { ensureLedger, type ItemFailure } from './fleet-ledger.ts';
import { inTransaction } from '../store/postgres-store.ts';

export type JobKind = 'tag' | 'analyze';
export const JOB_KINDS: readonly JobKind[] = ['tag', 'analyze'];

export function queueName(kind: JobKind): string {
  return `moodscape-${kind}`;
}

/** `kind:version:` + 24 hex digits of the SHA-256 of the items: the same batch always gets the same key. */
export function batchKey(kind: JobKind, version: string, items: readonly string[]): string {
  return `${kind}:${version}:${createHash('sha256').update(items.join('\n')).digest('hex').slice(0, 24)}`;
}

export interface FleetQueueOptions {
  /** How long one attempt may hold a job before another worker may take it (default 600 s). */
  readonly expireInSeconds?: number;
  /** Attempts after the first before a job is failed for good (default 5). */
  readonly retryLimit?: number;
  /** Base delay of the exponential backoff between attempts (default 10 s: 10–20, 20–40, 40–80 …). */
  readonly retryDelaySeconds?: number;
  /** The producer waits while this many jobs are waiting (default 200,000), looking again every polling interval. */
  readonly maxWaiting?: number;
  /** How often an idle worker looks for a job (default 1 s; pg-boss allows ≥ 0.5). */
  readonly pollingIntervalSeconds?: number;
  /** How often expired jobs are looked for (default 30 s); only processes that supervise run it. */
  readonly maintenanceIntervalSeconds?: number;
  /** Run pg-boss maintenance in this process (workers do; producers and status readers do not). */
  readonly supervise?: boolean;
  /** Connections for the fleet's own queries (default 4). */
  readonly poolSize?: number;
}

export const FLEET_DEFAULTS = {
  expireInSeconds: 600,
  retryLimit: 5,
  retryDelaySeconds: 10,
  maxWaiting: 200_000,
  pollingIntervalSeconds: 1,
  maintenanceIntervalSeconds: 30,
  supervise: false,
  poolSize: 4,
} as const satisfies Required<FleetQueueOptions>;

/** One batch to enqueue. `key` names it uniquely, version included (see batchKey). */
export interface FleetBatch {
  readonly key: string;
  readonly version: string;
  readonly items: readonly string[];
  /** Anything else the handler needs (model path, analyzer settings …); JSON. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface FleetJob {
  readonly id: string;
  readonly kind: JobKind;
  readonly key: string;
  readonly version: string;
  readonly items: readonly string[];
  readonly extra: Readonly<Record<string, unknown>>;
}

/** What a handler hands back: how to write the results inside the completing transaction. */
export interface JobOutcome {
  /** Writes the results of the items that succeeded; runs inside the completing transaction. */
  commit(client: pg.ClientBase): Promise<void>;
  succeeded: number;
  failures: readonly ItemFailure[];
}

export type JobHandler = (job: FleetJob) => Promise<JobOutcome>;

export interface EnqueueSummary {
  batches: number;
  /** Batches new to the ledger, sent to the queue now. */
  enqueued: number;
  /** Batches the ledger already had (queued, running or done). */
  skipped: number;
  items: number;
  /** Times the producer waited for the queue to drain below maxWaiting. */
  waits: number;
}

export interface KindStatus {
  kind: JobKind;
  /** Jobs (batches) by state. */
  waiting: number;
  active: number;
  retrying: number;
  done: number;
  failed: number;
  cancelled: number;
  /** Items (tracks or files) done, and still to do (waiting, retrying or active). */
  itemsDone: number;
  itemsRemaining: number;
  itemsFailed: number;
  /** Items per second over the last minute (0 when nothing finished in it). */
  itemsPerSecond: number;
  /** Seconds to finish the remaining items at that rate; null when there is no rate. */
  etaSeconds: number | null;
}

export interface FleetStatus {
  kinds: KindStatus[];
  /** Jobs failed for good, newest first (at most 50). */
  failedJobs: { kind: JobKind; key: string; id: string; attempts: number; error: string }[];
  /** Items that failed inside otherwise completed batches, newest first (at most 50). */
  failedItems: { kind: JobKind; key: string; item: string; reason: string }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CHUNK_BATCHES = 200;

export class FleetQueue {
  readonly pool: pg.Pool;
  private readonly boss: PgBoss;
  private readonly o: Required<FleetQueueOptions>;
  private stopping = false;
  private readonly loops: Promise<void>[] = [];
  /** Errors pg-boss reports in the background (lost connections while the database restarts). */
  onError: (e: Error) => void = () => {};

  private constructor(url: string, o: Required<FleetQueueOptions>) {
    this.o = o;
    this.pool = new pg.Pool({ connectionString: url, max: o.poolSize });
    // An idle client losing its connection (the server restarting) must not crash the worker.
    this.pool.on('error', (e) => this.onError(e));
    this.boss = new PgBoss({
      connectionString: url,
      max: 4,
      supervise: o.supervise,
      schedule: false,
      maintenanceIntervalSeconds: o.maintenanceIntervalSeconds,
      // Failed jobs stay listed (with their errors) for 30 days; completed ones go to the archive after an hour.
      archiveCompletedAfterSeconds: 3600,
      archiveFailedAfterSeconds: 30 * 24 * 3600,
    });
    this.boss.on('error', (e) => this.onError(e));
  }

  static async open(url: string, options: FleetQueueOptions = {}): Promise<FleetQueue> {
    const o = { ...FLEET_DEFAULTS, ...options } as Required<FleetQueueOptions>;
    const q = new FleetQueue(url, o);
    try {
      const c = await q.pool.connect();
      try {
        await ensureLedger(c);
      } finally {
        c.release();
      }
      await q.boss.start();
      for (const kind of JOB_KINDS) {
        const policy = { retryLimit: o.retryLimit, retryDelay: o.retryDelaySeconds, retryBackoff: true, expireInSeconds: o.expireInSeconds };
        await q.boss.createQueue(queueName(kind), { name: queueName(kind), policy: 'standard', ...policy });
      }
    } catch (e) {
      await q.close();
      throw e;
    }
    return q;
  }

  /** Jobs waiting to start (created or retrying) in the kind's queue. */
  async waitingJobs(kind: JobKind): Promise<number> {
    return this.boss.getQueueSize(queueName(kind));
  }

  /**
   * Sends new batches to the queue, `CHUNK_BATCHES` per transaction; batches whose key the ledger
   * already has are skipped. Waits while `maxWaiting` or more jobs are waiting.
   */
  async enqueue(kind: JobKind, batches: AsyncIterable<FleetBatch> | Iterable<FleetBatch>, onProgress?: (s: EnqueueSummary) => void): Promise<EnqueueSummary> {
    const summary: EnqueueSummary = { batches: 0, enqueued: 0, skipped: 0, items: 0, waits: 0 };
    let chunk: FleetBatch[] = [];
    const flush = async () => {
      if (!chunk.length) return;
      while ((await this.waitingJobs(kind)) + chunk.length > this.o.maxWaiting && !this.stopping) {
        summary.waits++;
        await sleep(this.o.pollingIntervalSeconds * 1000);
      }
      const sent = await this.sendChunk(kind, chunk);
      summary.batches += chunk.length;
      summary.enqueued += sent;
      summary.skipped += chunk.length - sent;
      for (const b of chunk) summary.items += b.items.length;
      chunk = [];
      onProgress?.({ ...summary });
    };
    for await (const b of batches) {
      if (!b.items.length) continue;
      chunk.push(b);
      if (chunk.length >= Math.min(CHUNK_BATCHES, this.o.maxWaiting)) await flush();
    }
    await flush();
    return summary;
  }

  private tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, fn);
  }

  private async sendChunk(kind: JobKind, chunk: readonly FleetBatch[]): Promise<number> {
    return this.tx(async (c) => {
      const ids = chunk.map(() => randomUUID());
      const { rows } = await c.query(
        `INSERT INTO fleet_batches (key, kind, version, items, job_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::uuid[])
         ON CONFLICT (key) DO NOTHING RETURNING key`,
        [chunk.map((b) => b.key), chunk.map(() => kind), chunk.map((b) => b.version), chunk.map((b) => b.items.length), ids],
      );
      const fresh = new Set(rows.map((r) => r.key as string));
      const jobs = chunk.flatMap((b, i) => fresh.has(b.key)
        ? [{
            id: ids[i], name: queueName(kind), singletonKey: b.key,
            data: { key: b.key, version: b.version, items: b.items, extra: b.extra ?? {} },
            // The producer's settings travel with each job: a queue created earlier keeps its own.
            retryLimit: this.o.retryLimit, retryDelay: this.o.retryDelaySeconds, retryBackoff: true, expireInSeconds: this.o.expireInSeconds,
          }]
        : []);
      if (jobs.length) await this.boss.insert(jobs, { db: { executeSql: (text, values) => c.query(text, values) } });
      return jobs.length;
    });
  }

  /**
   * Runs `concurrency` loops that fetch and handle jobs of `kind` until `stop()`. `workerId` is
   * recorded with each batch it completes.
   */
  work(kind: JobKind, handler: JobHandler, opts: { concurrency?: number; workerId?: string; onJob?: (job: FleetJob, outcome: 'done' | 'duplicate' | 'error', detail?: string) => void } = {}): void {
    const workerId = opts.workerId ?? `${hostname()}:${process.pid}`;
    for (let i = 0; i < (opts.concurrency ?? 1); i++) this.loops.push(this.loop(kind, handler, workerId, opts.onJob));
  }

  private async loop(kind: JobKind, handler: JobHandler, workerId: string, onJob?: (job: FleetJob, outcome: 'done' | 'duplicate' | 'error', detail?: string) => void): Promise<void> {
    const name = queueName(kind);
    while (!this.stopping) {
      // pg-boss's fetch returns [] when the database cannot be reached; we just poll again.
      const [raw] = await this.boss.fetch<{ key: string; version: string; items: string[]; extra: Record<string, unknown> }>(name, { batchSize: 1 });
      if (!raw) {
        await sleep(this.o.pollingIntervalSeconds * 1000);
        continue;
      }
      const job: FleetJob = { id: raw.id, kind, key: raw.data.key, version: raw.data.version, items: raw.data.items, extra: raw.data.extra ?? {} };
      try {
        const done = await this.startDelivery(job.key);
        if (done) {
          await this.boss.complete(name, job.id, { duplicate: true });
          onJob?.(job, 'duplicate');
          continue;
        }
        const outcome = await handler(job);
        const committed = await this.finish(job, outcome, workerId);
        onJob?.(job, committed ? 'done' : 'duplicate');
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        onJob?.(job, 'error', message);
        // When the database is down this fails too; the job then expires and is retried.
        await this.boss.fail(name, job.id, { message }).catch((err) => this.onError(err));
        if (!this.stopping) await sleep(250);
      }
    }
  }

  /** Counts a delivery; true when the batch is already done (an earlier delivery committed it). */
  private async startDelivery(key: string): Promise<boolean> {
    const { rows } = await this.pool.query('UPDATE fleet_batches SET deliveries = deliveries + 1 WHERE key = $1 RETURNING done_at', [key]);
    return rows.length > 0 && rows[0].done_at !== null;
  }

  /** The completing transaction; false when another delivery committed the batch first. */
  private async finish(job: FleetJob, outcome: JobOutcome, workerId: string): Promise<boolean> {
    return this.tx(async (c) => {
      const { rows } = await c.query('SELECT done_at FROM fleet_batches WHERE key = $1 FOR UPDATE', [job.key]);
      const fresh = rows.length > 0 && rows[0].done_at === null;
      if (fresh) {
        await outcome.commit(c);
        if (outcome.failures.length) {
          await c.query(
            `INSERT INTO fleet_item_failures (batch_key, item, reason)
             SELECT $1, * FROM unnest($2::text[], $3::text[]) ON CONFLICT (batch_key, item) DO UPDATE SET reason = EXCLUDED.reason`,
            [job.key, outcome.failures.map((f) => f.item), outcome.failures.map((f) => f.reason)],
          );
        }
        await c.query(
          'UPDATE fleet_batches SET outcomes = outcomes + 1, succeeded = $2, failed = $3, done_at = now(), done_by = $4 WHERE key = $1',
          [job.key, outcome.succeeded, outcome.failures.length, workerId],
        );
      }
      const output = { succeeded: outcome.succeeded, failed: outcome.failures.length, duplicate: !fresh };
      await this.boss.complete(queueName(job.kind), job.id, output, { db: { executeSql: (text, values) => c.query(text, values) } });
      return fresh;
    });
  }

  async status(): Promise<FleetStatus> {
    const names = JOB_KINDS.map(queueName);
    const jobs = await this.pool.query(
      `SELECT name, state::text AS state, count(*)::int AS n, coalesce(sum(jsonb_array_length(data->'items')), 0)::int AS items
       FROM pgboss.job WHERE name = ANY($1::text[]) GROUP BY name, state`,
      [names],
    );
    const ledger = await this.pool.query(
      `SELECT kind, count(*) FILTER (WHERE done_at IS NOT NULL)::int AS done,
         coalesce(sum(succeeded), 0)::int AS items_done, coalesce(sum(failed), 0)::int AS items_failed,
         coalesce(sum(items) FILTER (WHERE done_at > now() - interval '60 seconds'), 0)::float8 AS last_minute,
         extract(epoch FROM now() - min(done_at) FILTER (WHERE done_at > now() - interval '60 seconds'))::float8 AS span
       FROM fleet_batches GROUP BY kind`,
    );
    const kinds = JOB_KINDS.map((kind): KindStatus => {
      const by = (state: string) => jobs.rows.find((r) => r.name === queueName(kind) && r.state === state) ?? { n: 0, items: 0 };
      const l = ledger.rows.find((r) => r.kind === kind) ?? { done: 0, items_done: 0, items_failed: 0, last_minute: 0, span: null };
      const created = by('created'), retry = by('retry'), active = by('active');
      const itemsRemaining = created.items + retry.items + active.items;
      // Over the last minute, or since the first batch of it finished when that is shorter (but at least 1 s).
      const itemsPerSecond = l.last_minute > 0 ? l.last_minute / Math.max(1, Math.min(60, l.span ?? 60)) : 0;
      return {
        kind,
        waiting: created.n,
        active: active.n,
        retrying: retry.n,
        done: l.done,
        failed: by('failed').n,
        cancelled: by('cancelled').n,
        itemsDone: l.items_done,
        itemsRemaining,
        itemsFailed: l.items_failed + by('failed').items,
        itemsPerSecond,
        etaSeconds: itemsPerSecond > 0 ? itemsRemaining / itemsPerSecond : itemsRemaining === 0 ? 0 : null,
      };
    });
    const failedJobs = (await this.pool.query(
      `SELECT name, id::text, data->>'key' AS key, retry_count, output FROM pgboss.job
       WHERE name = ANY($1::text[]) AND state = 'failed' ORDER BY completed_on DESC LIMIT 50`,
      [names],
    )).rows.map((r) => ({
      kind: r.name.slice('moodscape-'.length) as JobKind,
      key: r.key,
      id: r.id,
      attempts: r.retry_count + 1,
      error: String(r.output?.message ?? r.output?.value?.message ?? JSON.stringify(r.output)),
    }));
    const failedItems = (await this.pool.query(
      `SELECT b.kind, f.batch_key, f.item, f.reason FROM fleet_item_failures f JOIN fleet_batches b ON b.key = f.batch_key
       ORDER BY f.failed_at DESC, f.item LIMIT 50`,
    )).rows.map((r) => ({ kind: r.kind as JobKind, key: r.batch_key, item: r.item, reason: r.reason }));
    return { kinds, failedJobs, failedItems };
  }

  /** Cancels every job of the kind that has not started; returns how many. */
  async cancel(kind: JobKind): Promise<number> {
    return this.changeState(kind, `state IN ('created', 'retry')`, (name, ids) => this.boss.cancel(name, ids));
  }

  /** Puts cancelled jobs back in the queue and gives failed ones another attempt; returns how many. */
  async resume(kind: JobKind): Promise<number> {
    const resumed = await this.changeState(kind, `state = 'cancelled'`, (name, ids) => this.boss.resume(name, ids));
    return resumed + (await this.changeState(kind, `state = 'failed'`, (name, ids) => this.boss.retry(name, ids)));
  }

  private async changeState(kind: JobKind, where: string, fn: (name: string, ids: string[]) => Promise<unknown>): Promise<number> {
    const name = queueName(kind);
    const { rows } = await this.pool.query(`SELECT id::text FROM pgboss.job WHERE name = $1 AND ${where}`, [name]);
    const ids = rows.map((r) => r.id as string);
    for (let i = 0; i < ids.length; i += 10_000) await fn(name, ids.slice(i, i + 10_000));
    return ids.length;
  }

  /** Stops fetching, lets running jobs finish (up to `timeoutMs`), then closes the connections. */
  async close(timeoutMs = 30_000): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(this.loops), new Promise((r) => { timer = setTimeout(r, timeoutMs); })]);
    clearTimeout(timer);
    await this.boss.stop({ graceful: false, close: true, wait: true, timeout: 1000 }).catch(() => {});
    await this.pool.end().catch(() => {});
  }
}
