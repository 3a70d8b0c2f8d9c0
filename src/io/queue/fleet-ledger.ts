/**
 * The fleet's ledger beside pg-boss's own tables: one row per batch, keyed by what the batch is
 * (kind, items and the model or analyzer version), so enqueueing the same catalogue again never
 * creates a second job for a batch, and a batch's results are written at most once however often
 * the queue delivers it. Items a worker could not process are kept with their reason.
 *
 *   fleet_batches        key PK, kind, version, items, job_id, enqueued_at, deliveries, outcomes,
 *                        succeeded, failed, done_at, done_by
 *   fleet_item_failures  (batch_key, item) PK → reason, failed_at
 *
 * `deliveries` counts how often a worker started the batch (at least once); `outcomes` counts how
 * often its results were committed (exactly once: the completing transaction locks the row).
 */
import type pg from 'pg';

export const LEDGER_STATEMENTS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS fleet_batches (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    version TEXT NOT NULL,
    items INTEGER NOT NULL CHECK (items > 0),
    job_id UUID NOT NULL,
    enqueued_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    deliveries INTEGER NOT NULL DEFAULT 0,
    outcomes INTEGER NOT NULL DEFAULT 0,
    succeeded INTEGER,
    failed INTEGER,
    done_at TIMESTAMPTZ,
    done_by TEXT
  )`,
  `CREATE INDEX IF NOT EXISTS fleet_batches_kind_done ON fleet_batches (kind, done_at)`,
  `CREATE TABLE IF NOT EXISTS fleet_item_failures (
    batch_key TEXT NOT NULL REFERENCES fleet_batches(key) ON DELETE CASCADE,
    item TEXT NOT NULL,
    reason TEXT NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (batch_key, item)
  )`,
];

/** Creates the ledger tables when missing; concurrent callers are serialised by an advisory lock. */
export async function ensureLedger(c: pg.ClientBase): Promise<void> {
  await c.query('BEGIN');
  try {
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('moodscape.fleet'))`);
    for (const s of LEDGER_STATEMENTS) await c.query(s);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

export interface ItemFailure {
  /** A track id or a file path. */
  item: string;
  reason: string;
}
