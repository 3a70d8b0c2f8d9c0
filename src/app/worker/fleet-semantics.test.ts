/**
 * The queue's semantics on a real PostgreSQL 15: re-enqueueing never duplicates a batch, the
 * producer waits while the queue is full, jobs can be cancelled and resumed, and the CLI reports it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { PgServer } from '../../../test/support/postgres.ts';
import { FAST_QUEUE, FAST_QUEUE_ENV, ledger, seedCatalogue, waitFor, startFleetEnvironment, type FleetEnvironment } from '../../../test/support/fleet-fixtures.ts';
import { runCli } from '../../../test/support/cli.ts';
import { enqueueTagging } from '../../io/queue/enqueue-work.ts';
import { startWorker } from './run-worker.ts';
import { FleetQueue, batchKey } from '../../io/queue/fleet-queue.ts';

let env: FleetEnvironment;
let server: PgServer;
let dir: string;
let modelDir: string;

before(async () => {
  env = await startFleetEnvironment();
  ({ server, dir, modelDir } = env);
});

after(() => env?.stop());

test('batch keys depend on kind, version and items only', () => {
  assert.equal(batchKey('tag', 'm1', ['a', 'b']), batchKey('tag', 'm1', ['a', 'b']));
  assert.notEqual(batchKey('tag', 'm1', ['a', 'b']), batchKey('tag', 'm2', ['a', 'b']));
  assert.notEqual(batchKey('tag', 'm1', ['a', 'b']), batchKey('tag', 'm1', ['a', 'c']));
  assert.match(batchKey('analyze', 'v3', ['x']), /^analyze:v3:[0-9a-f]{24}$/);
});

test('the producer waits while maxWaiting jobs wait; enqueueing again adds nothing; every track once', async () => {
  const db = await server.createDatabase();
  await seedCatalogue(db, 1200);
  const w = await startWorker({ db, concurrency: 1, queue: FAST_QUEUE });
  let first;
  try {
    first = await enqueueTagging(db, modelDir, { batchSize: 100, maxWaiting: 3, queue: FAST_QUEUE });
    assert.equal(first.enqueued, 12);
    assert.ok(first.waits > 0, 'the producer waited for the queue to drain');
    await waitFor('every batch done', async () => (await ledger(db)).done === 12, 30_000);
    const again = await enqueueTagging(db, modelDir, { batchSize: 100, queue: FAST_QUEUE });
    assert.deepEqual([again.enqueued, again.skipped, again.items], [0, 12, 1200]);
  } finally {
    await w.stop();
  }
  const l = await ledger(db);
  assert.deepEqual([l.tags, l.versions, l.batches, l.outcomes, l.maxOutcomes], [1200, [first.modelId], 12, 12, 1]);
});

test('cancel stops queued jobs; resume queues them again and they finish', async () => {
  const db = await server.createDatabase();
  await seedCatalogue(db, 500);
  await enqueueTagging(db, modelDir, { batchSize: 100, queue: FAST_QUEUE });
  const q = await FleetQueue.open(db, FAST_QUEUE);
  try {
    assert.equal(await q.cancel('tag'), 5);
    let tag = (await q.status()).kinds.find((k) => k.kind === 'tag')!;
    assert.deepEqual([tag.waiting, tag.cancelled, tag.done], [0, 5, 0]);
    const w = await startWorker({ db, concurrency: 2, queue: FAST_QUEUE });
    try {
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await ledger(db)).done, 0, 'cancelled jobs are not worked on');
      assert.equal(await q.resume('tag'), 5);
      await waitFor('the resumed jobs to finish', async () => (await ledger(db)).done === 5, 20_000);
    } finally {
      await w.stop();
    }
    tag = (await q.status()).kinds.find((k) => k.kind === 'tag')!;
    assert.deepEqual([tag.waiting, tag.active, tag.cancelled, tag.done, tag.itemsDone, tag.itemsRemaining], [0, 0, 0, 5, 500, 0]);
  } finally {
    await q.close();
  }
});

test('CLI: enqueue --tag and fleet status --json; a SQLite --db is a usage error', async () => {
  const db = await server.createDatabase();
  await seedCatalogue(db, 300);
  const e = await runCli(['enqueue', '--db', db, '--tag', '--model', modelDir, '--batch', '100', '--json'], { env: FAST_QUEUE_ENV });
  assert.equal(e.code, 0, e.stderr);
  const summary = JSON.parse(e.stdout);
  assert.deepEqual([summary.kind, summary.enqueued, summary.items], ['tag', 3, 300]);
  const s = await runCli(['fleet', 'status', '--db', db, '--json']);
  assert.equal(s.code, 0, s.stderr);
  const tag = JSON.parse(s.stdout).kinds.find((k: { kind: string }) => k.kind === 'tag');
  assert.deepEqual([tag.waiting, tag.itemsRemaining, tag.etaSeconds], [3, 300, null]);
  const bad = await runCli(['enqueue', '--db', join(dir, 'x.db'), '--tag']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /must be a postgres:\/\/ URL/);
});
