/**
 * Queueing a catalogue for the fleet: tag every track with a model (registered in the store and
 * made current), or analyse every audio file under some folders. Both stream their batches into
 * the queue with backpressure; enqueueing the same work again adds nothing.
 */
import { resolve } from 'node:path';
import { InputError } from '../../core/common/errors.ts';
import { loadMoodModel } from '../mood-model-dir.ts';
import { PostgresStore } from '../store/postgres-store.ts';
import { registerLoadedModel } from '../store/tag-catalogue.ts';
import { FleetQueue, type EnqueueSummary, type FleetBatch, type FleetQueueOptions, type JobKind } from './fleet-queue.ts';
import { tagBatches } from './tag-batches.ts';
import { analyzeBatches } from './analyze-batches.ts';

export interface EnqueueOptions {
  /** Tracks or files per job (defaults: tag-batches.ts, analyze-batches.ts). */
  batchSize?: number;
  maxWaiting?: number;
  queue?: FleetQueueOptions;
  log?: (line: string) => void;
}

export async function enqueueTagging(
  db: string,
  modelDir: string | undefined,
  o: EnqueueOptions = {},
): Promise<EnqueueSummary & { modelId: string }> {
  const store = await PostgresStore.open(db, { max: 2 });
  let modelId: string, modelPath: string;
  try {
    if (modelDir === undefined) {
      const current = await store.getCurrentModel();
      if (!current) throw new InputError('the catalogue has no current model yet: name one with --model <dir>');
      modelDir = current.path;
    }
    const record = await registerLoadedModel(store, modelDir, await loadMoodModel(modelDir));
    modelId = record.id;
    modelPath = resolve(modelDir);
  } finally {
    await store.close();
  }
  const summary = await enqueueBatches(db, 'tag', (pool) => tagBatches(pool, { modelId, modelPath, batchSize: o.batchSize }), o);
  return { ...summary, modelId };
}

/** Queues every audio file under `inputs` for analysis; the workers upsert the tracks into the catalogue. */
export async function enqueueAnalysis(
  db: string,
  inputs: readonly string[],
  o: EnqueueOptions = {},
): Promise<EnqueueSummary> {
  // The catalogue's schema must exist before the first worker upserts into it.
  await (await PostgresStore.open(db, { max: 1 })).close();
  const batches = analyzeBatches(inputs.map((p) => resolve(p)), { batchSize: o.batchSize });
  return enqueueBatches(db, 'analyze', () => batches, o);
}

async function enqueueBatches(
  db: string,
  kind: JobKind,
  batches: (pool: FleetQueue['pool']) => AsyncIterable<FleetBatch>,
  o: EnqueueOptions,
): Promise<EnqueueSummary> {
  const queue = await FleetQueue.open(db, { ...o.queue, ...(o.maxWaiting ? { maxWaiting: o.maxWaiting } : {}) });
  try {
    let last = 0;
    return await queue.enqueue(kind, batches(queue.pool), (s) => {
      if (Date.now() - last > 2000) o.log?.(`enqueue: ${s.batches} batches seen, ${s.enqueued} queued${s.waits ? `, waited ${s.waits} times for the queue to drain` : ''}`);
      last = Date.now();
    });
  } finally {
    await queue.close();
  }
}
