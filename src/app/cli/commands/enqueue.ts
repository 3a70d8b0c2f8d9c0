/**
 * `moodscape enqueue --db postgres://… --tag [--model DIR] [--batch N] [--max-waiting N]`: queues
 * the catalogue for the fleet in batches of tracks. Running it again enqueues only batches the
 * ledger does not know, so an interrupted enqueue resumes and a finished one adds nothing.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { InputError } from '../../../core/common/errors.ts';
import { loadMoodModel } from '../../../io/mood-model-dir.ts';
import { FleetQueue, type EnqueueSummary, type FleetQueueOptions } from '../../../io/queue/fleet-queue.ts';
import { tagBatches, DEFAULT_BATCH_TRACKS } from '../../../io/queue/tag-batches.ts';
import { PostgresStore } from '../../../io/store/postgres-store.ts';
import { createLogger } from '../progress.ts';
import { action, parseNumberFlag, printJson } from '../run-action.ts';
import { registerLoadedModel } from '../../../io/store/tag-catalogue.ts';
import { redactStoreSpec } from '../../../io/store/store-spec.ts';
import { fleetOptionsFromEnv, requirePostgres } from './fleet-options.ts';

interface EnqueueFlags {
  db: string;
  tag?: boolean;
  analyze?: string[];
  model?: string;
  batch: string;
  maxWaiting: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerEnqueue(program: Command): void {
  program
    .command('enqueue')
    .description('queue work for the fleet of workers: tag every track of a PostgreSQL catalogue (--tag)')
    .requiredOption('--db <url>', 'postgres:// URL of the catalogue (the queue lives in the same database)')
    .option('--tag', 'queue tagging of every track with the model (results go to the tags table)')
    .option('--model <dir>', 'with --tag: the model directory, reachable at the same path by every worker (default: the catalogue\'s current model)')
    .option('--batch <n>', 'tracks per job (50–100 keeps a job a few seconds long)', String(DEFAULT_BATCH_TRACKS))
    .option('--max-waiting <n>', 'wait while this many jobs are waiting', '200000')
    .option('--json', 'print a summary as JSON')
    .option('--quiet', 'no status on stderr')
    .action(action(async (flags: EnqueueFlags) => {
      requirePostgres(flags.db);
      if (!flags.tag) throw new InputError('say what to queue: --tag');
      const batchSize = parseNumberFlag('batch', flags.batch, { integer: true, min: 1, max: 10_000 });
      const maxWaiting = parseNumberFlag('max-waiting', flags.maxWaiting, { integer: true, min: 1 });
      const log = createLogger(Boolean(flags.quiet || flags.json));
      const summary = await enqueueTagging(flags.db, flags.model, { batchSize, maxWaiting, log });
      if (flags.json) printJson({ db: redactStoreSpec(flags.db), kind: 'tag', ...summary });
      else log(`${redactStoreSpec(flags.db)}: ${summary.enqueued} tag jobs queued, ${summary.skipped} already known (${summary.items} tracks, model ${summary.modelId})`);
    }));
}

export async function enqueueTagging(
  db: string,
  modelDir: string | undefined,
  o: { batchSize?: number; maxWaiting?: number; queue?: FleetQueueOptions; log?: (line: string) => void } = {},
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
  const queue = await FleetQueue.open(db, { ...fleetOptionsFromEnv(), ...o.queue, ...(o.maxWaiting ? { maxWaiting: o.maxWaiting } : {}) });
  try {
    let last = 0;
    const summary = await queue.enqueue('tag', tagBatches(queue.pool, { modelId, modelPath, batchSize: o.batchSize }), (s) => {
      if (Date.now() - last > 2000) o.log?.(`enqueue: ${s.batches} batches seen, ${s.enqueued} queued${s.waits ? `, waited ${s.waits} times for the queue to drain` : ''}`);
      last = Date.now();
    });
    return { ...summary, modelId };
  } finally {
    await queue.close();
  }
}
