/**
 * The producer side of tag jobs: streams the catalogue's track ids in id order, a page at a time
 * (keyset pagination, so a 10M-track catalogue never sits in memory), and cuts them into batches.
 * Batch boundaries depend only on the ids and the batch size, so enqueueing the same catalogue
 * again yields the same keys and the ledger skips them.
 */
import type pg from 'pg';
import { batchKey, type FleetBatch } from './fleet-queue.ts';

export const DEFAULT_BATCH_TRACKS = 100;
const PAGE = 20_000;

export async function* trackIdPages(pool: pg.Pool): AsyncGenerator<string[]> {
  let after = '';
  for (;;) {
    const { rows } = await pool.query({ text: 'SELECT id FROM tracks WHERE id > $1 ORDER BY id LIMIT $2', values: [after, PAGE], rowMode: 'array' });
    if (!rows.length) return;
    const ids = rows.map((r: unknown[]) => r[0] as string);
    yield ids;
    after = ids[ids.length - 1];
  }
}

/** Tag batches for a registered model: `{ modelId, modelPath }` travel with every job. */
export async function* tagBatches(pool: pg.Pool, o: { modelId: string; modelPath: string; batchSize?: number }): AsyncGenerator<FleetBatch> {
  const size = o.batchSize ?? DEFAULT_BATCH_TRACKS;
  let items: string[] = [];
  const cut = (): FleetBatch => {
    const b = { key: batchKey('tag', o.modelId, items), version: o.modelId, items, extra: { modelPath: o.modelPath } };
    items = [];
    return b;
  };
  for await (const page of trackIdPages(pool)) {
    for (const id of page) {
      items.push(id);
      if (items.length === size) yield cut();
    }
  }
  if (items.length) yield cut();
}
