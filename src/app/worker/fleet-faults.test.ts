/**
 * The fleet under faults, on a real PostgreSQL 15 started for this file: a worker killed with
 * SIGKILL mid-batch, the database restarted mid-run, and poison input. After each, every track is
 * tagged exactly once by the one model, and each batch's results were committed once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import pg from 'pg';
import type { PgServer } from '../../../test/support/postgres.ts';
import { FAST_QUEUE, exited, ledger, restartPostgres, seedCatalogue, spawnWorker, waitFor, startFleetEnvironment, type FleetEnvironment } from '../../../test/support/fleet-fixtures.ts';
import { writeFile } from 'node:fs/promises';
import { buildMusicFolder } from '../../../test/support/music-folder.ts';
import { enqueueAnalysis, enqueueTagging } from '../../io/queue/enqueue-work.ts';
import { FleetQueue } from '../../io/queue/fleet-queue.ts';
import { startWorker } from './run-worker.ts';

let env: FleetEnvironment;
let server: PgServer;
let dir: string;
let modelDir: string;

before(async () => {
  env = await startFleetEnvironment();
  ({ server, dir, modelDir } = env);
});

after(() => env?.stop());

async function sql(db: string, text: string, values: unknown[] = []): Promise<any[]> {
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  try {
    return (await c.query(text, values)).rows;
  } finally {
    await c.end();
  }
}

/** A client holding row locks on ledger rows, so a worker that reaches them stalls mid-batch. */
async function lockBatches(db: string, limit: number): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: db });
  c.on('error', () => {}); // it dies with the server in the restart test
  await c.connect();
  await c.query('BEGIN');
  await c.query('SELECT key FROM fleet_batches ORDER BY key LIMIT $1 FOR UPDATE', [limit]);
  return c;
}

const activeJobs = async (db: string) => (await sql(db, `SELECT id::text FROM pgboss.job WHERE name = 'moodscape-tag' AND state = 'active'`)).map((r) => r.id as string);

test('kill -9 a worker mid-batch: its job finishes on another worker after the lease expires, once', async () => {
  const db = await server.createDatabase();
  await seedCatalogue(db, 1000);
  const { modelId, enqueued } = await enqueueTagging(db, modelDir, { batchSize: 100, queue: FAST_QUEUE });
  assert.equal(enqueued, 10);

  const lock = await lockBatches(db, 10);
  const a = spawnWorker(db);
  const [stranded] = await waitFor('worker A to take a job', async () => { const ids = await activeJobs(db); return ids.length ? ids : null; });
  a.kill('SIGKILL');
  await exited(a);
  await lock.query('COMMIT');
  await lock.end();
  assert.deepEqual(await activeJobs(db), [stranded], 'the killed worker still holds its job');

  const b = spawnWorker(db, { concurrency: 2 });
  try {
    await waitFor('every batch to be done', async () => (await ledger(db)).done === 10, 40_000);
  } finally {
    b.kill('SIGTERM');
  }
  assert.equal(await exited(b), 0, b.output());
  const l = await ledger(db);
  assert.deepEqual([l.tags, l.versions, l.outcomes, l.maxOutcomes], [1000, [modelId], 10, 1]);
  const [job] = await sql(db, 'SELECT retry_count, state::text FROM pgboss.job WHERE id = $1', [stranded]);
  assert.equal(job.state, 'completed');
  assert.ok(job.retry_count >= 1, 'the stranded job was delivered again');
  const [batch] = await sql(db, 'SELECT done_by FROM fleet_batches WHERE job_id = $1', [stranded]);
  assert.ok(batch.done_by.endsWith(`:${b.pid}`), `finished by worker B, not ${batch.done_by}`);
});

test('restart PostgreSQL mid-run: workers reconnect and finish, each track once', async () => {
  const db = await server.createDatabase();
  await seedCatalogue(db, 2000);
  const { modelId } = await enqueueTagging(db, modelDir, { batchSize: 100, queue: FAST_QUEUE });
  const lock = await lockBatches(db, 10);
  const w = await startWorker({ db, concurrency: 2, queue: FAST_QUEUE });
  try {
    // Both loops stall on locked batches while holding their jobs; then the server goes away.
    await waitFor('two stalled jobs', async () => (await activeJobs(db)).length === 2);
    await restartPostgres(server, 1000);
    await waitFor('every batch to be done after the restart', async () => (await ledger(db)).done === 20, 45_000);
  } finally {
    await w.stop();
    await lock.end().catch(() => {});
  }
  const l = await ledger(db);
  assert.deepEqual([l.tags, l.versions, l.outcomes, l.maxOutcomes], [2000, [modelId], 20, 1]);
  assert.ok(w.counts.error >= 1, 'some attempt failed while the server was down');
});

test('poison input fails only its own track, with the reason; a broken job fails after its retries, listed with its error', async () => {
  const db = await server.createDatabase();
  await seedCatalogue(db, 500);
  // A corrupt row the schema would refuse: drop the range check, as a damaged import might have.
  await sql(db, 'ALTER TABLE tracks DROP CONSTRAINT tracks_valence_check');
  const [good, bad, empty] = (await sql(db, 'SELECT id FROM tracks ORDER BY id LIMIT 3 OFFSET 150')).map((r) => r.id as string);
  await sql(db, 'UPDATE tracks SET valence = 7 WHERE id = $1', [bad]);
  await sql(db, 'UPDATE tracks SET energy = NULL WHERE id = $1', [empty]);
  const { modelId } = await enqueueTagging(db, modelDir, { batchSize: 100, queue: FAST_QUEUE });

  const q = await FleetQueue.open(db, { ...FAST_QUEUE, retryLimit: 1 });
  const w = await startWorker({ db, concurrency: 2, queue: FAST_QUEUE });
  try {
    await q.enqueue('tag', [{ key: 'tag:broken', version: modelId, items: [good], extra: { modelPath: join(dir, 'no-such-model') } }]);
    await waitFor('the tag batches and the broken job to settle', async () => {
      const s = (await q.status()).kinds.find((k) => k.kind === 'tag')!;
      return s.done === 5 && s.failed === 1 && s.waiting + s.active + s.retrying === 0;
    }, 40_000);
    const status = await q.status();
    const reasons = Object.fromEntries(status.failedItems.map((f) => [f.item, f.reason]));
    assert.match(reasons[bad], /valence 7 outside \[0, 1\]/);
    assert.match(reasons[empty], /energy is missing/);
    assert.equal(status.failedItems.length, 2);
    assert.equal(status.failedJobs.length, 1);
    assert.equal(status.failedJobs[0].key, 'tag:broken');
    assert.equal(status.failedJobs[0].attempts, 2);
    assert.match(status.failedJobs[0].error, /no-such-model/);
  } finally {
    await w.stop();
    await q.close();
  }
  const l = await ledger(db);
  assert.deepEqual([l.tags, l.versions, l.itemFailures, l.maxOutcomes], [498, [modelId], 2, 1]);
  const tagged = await sql(db, 'SELECT track_id FROM tags WHERE track_id = ANY($1::text[])', [[bad, empty]]);
  assert.deepEqual(tagged, []);
});

test('analysis through the fleet: a corrupt file fails alone with its reason; the rest land in the catalogue once', async () => {
  const db = await server.createDatabase();
  const music = await buildMusicFolder({ dir: join(dir, 'music'), seconds: 3, formats: ['wav', 'flac', 'ogg', 'mp3'] });
  const broken = join(music.dir, 'Artist B', 'broken.mp3');
  await writeFile(broken, Buffer.from('ID3 this is not an mp3 stream at all'.repeat(50)));
  const first = await enqueueAnalysis(db, [music.dir], { batchSize: 2, queue: FAST_QUEUE });
  assert.deepEqual([first.enqueued, first.items], [3, 5]);
  const w = await startWorker({ db, concurrency: 2, kinds: ['analyze'], queue: FAST_QUEUE });
  try {
    await waitFor('the analysis batches', async () => (await ledger(db)).done === 3, 60_000);
  } finally {
    await w.stop();
  }
  const again = await enqueueAnalysis(db, [music.dir], { batchSize: 2, queue: FAST_QUEUE });
  assert.deepEqual([again.enqueued, again.skipped], [0, 3]);
  const tracks = await sql(db, `SELECT extra->>'path' AS path, extra->>'analyzer_version' AS version, tempo FROM tracks ORDER BY 1`);
  assert.equal(tracks.length, 4);
  assert.ok(tracks.every((t) => t.version && Number.isFinite(t.tempo)), JSON.stringify(tracks));
  assert.ok(!tracks.some((t) => t.path === broken));
  const failures = await sql(db, 'SELECT item, reason FROM fleet_item_failures');
  assert.equal(failures.length, 1);
  assert.equal(failures[0].item, broken);
  assert.ok(failures[0].reason.length > 0);
  const l = await ledger(db);
  assert.deepEqual([l.outcomes, l.maxOutcomes], [3, 1]);
});
