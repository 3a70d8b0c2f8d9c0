/**
 * Shared by the fleet tests and benches: a PostgreSQL catalogue of generated tracks, a fixture
 * model, short queue timings, worker processes started through the real CLI, and the checks that
 * every track was done exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { generateCatalogue } from '../../src/core/generator/generate.ts';
import { PostgresStore } from '../../src/io/store/postgres-store.ts';
import type { FleetQueueOptions } from '../../src/io/queue/fleet-queue.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PgServer } from './postgres.ts';
import { trainFixtureModel } from './server-fixtures.ts';
import { BIN, ROOT } from './cli.ts';

export interface FleetEnvironment {
  server: PgServer;
  /** A temp directory for the test's files (the model is in it). */
  dir: string;
  modelDir: string;
  stop(): Promise<void>;
}

/** A private PostgreSQL and a small fixture model (500 tracks, 2 epochs), made side by side. */
export async function startFleetEnvironment(): Promise<FleetEnvironment> {
  const dir = mkdtempSync(join(tmpdir(), 'moodscape-fleet-'));
  const [server, modelDir] = await Promise.all([startPostgres(), trainFixtureModel(dir, { tracks: 500, epochs: 2 })]);
  return { server, dir, modelDir, stop: async () => { await server.stop(); rmSync(dir, { recursive: true, force: true }); } };
}

/** Leases of 3 s, maintenance every second, retries after 1–2 s: faults heal within seconds. */
export const FAST_QUEUE: FleetQueueOptions = { expireInSeconds: 3, maintenanceIntervalSeconds: 1, retryDelaySeconds: 1, retryLimit: 3, pollingIntervalSeconds: 0.5 };

export const FAST_QUEUE_ENV: Record<string, string> = {
  MOODSCAPE_FLEET_EXPIRE_SECONDS: '3',
  MOODSCAPE_FLEET_MAINTENANCE_SECONDS: '1',
  MOODSCAPE_FLEET_RETRY_DELAY_SECONDS: '1',
  MOODSCAPE_FLEET_RETRY_LIMIT: '3',
  MOODSCAPE_FLEET_POLL_SECONDS: '0.5',
};

export async function seedCatalogue(db: string, tracks: number, seed = 3): Promise<void> {
  const store = await PostgresStore.open(db);
  try {
    await store.upsertTracks(generateCatalogue({ tracks, seed }));
  } finally {
    await store.close();
  }
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** `moodscape worker` in a child process. */
export function spawnWorker(db: string, o: { concurrency?: number; env?: Record<string, string> } = {}): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [BIN, 'worker', '--db', db, '--concurrency', String(o.concurrency ?? 1)], {
    cwd: ROOT,
    env: { ...process.env, ...FAST_QUEUE_ENV, ...o.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return Object.assign(child, { output: () => err });
}

export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));
}

export interface Ledger {
  tracks: number;
  tags: number;
  /** Distinct model ids among the tags. */
  versions: string[];
  batches: number;
  done: number;
  /** Sum of `outcomes` (results committed) over batches; equals `done` when nothing was written twice. */
  outcomes: number;
  maxOutcomes: number;
  deliveries: number;
  itemFailures: number;
}

export async function ledger(db: string): Promise<Ledger> {
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  try {
    const one = async (sql: string) => (await c.query(sql)).rows[0];
    const t = await one('SELECT (SELECT count(*)::int FROM tracks) AS tracks, (SELECT count(*)::int FROM tags) AS tags');
    const versions = (await c.query('SELECT DISTINCT model_id FROM tags ORDER BY 1')).rows.map((r) => r.model_id as string);
    const b = await one(`SELECT count(*)::int AS batches, count(done_at)::int AS done, coalesce(sum(outcomes), 0)::int AS outcomes,
      coalesce(max(outcomes), 0)::int AS max_outcomes, coalesce(sum(deliveries), 0)::int AS deliveries FROM fleet_batches`);
    const f = await one('SELECT count(*)::int AS n FROM fleet_item_failures');
    return { tracks: t.tracks, tags: t.tags, versions, batches: b.batches, done: b.done, outcomes: b.outcomes, maxOutcomes: b.max_outcomes, deliveries: b.deliveries, itemFailures: f.n };
  } finally {
    await c.end();
  }
}

/** A PostgreSQL restart: the server stops (fast shutdown, every connection cut), stays down `downMs`, and comes back on its port. */
export async function restartPostgres(server: PgServer, downMs: number): Promise<void> {
  await server.halt();
  await new Promise((r) => setTimeout(r, downMs));
  await server.resume();
}
