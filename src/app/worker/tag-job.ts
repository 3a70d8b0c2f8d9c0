/**
 * The handler of tag jobs: reads the batch's tracks, sets aside rows that cannot be tagged (each
 * fails alone, with its reason), tags the rest on a worker thread through the one tagging path,
 * and hands back the tag rows to commit together with the job's completion.
 */
import type pg from 'pg';
import { rowProblem } from '../../core/data/row-problem.ts';
import { selectRows } from '../../core/data/track-table.ts';
import type { FleetJob, JobHandler, JobOutcome } from '../../io/queue/fleet-queue.ts';
import type { ItemFailure } from '../../io/queue/fleet-ledger.ts';
import { loadTracksById, upsertTagRows } from '../../io/store/postgres-store.ts';
import type { TagRow } from '../../io/store/open-store.ts';
import type { ThreadPool } from './thread-pool.ts';
import type { TagAnswer, TagRequest } from './tag-thread.ts';

export const TAG_THREAD_ENTRY = new URL('./tag-thread.ts', import.meta.url);

export function tagJobHandler(db: pg.Pool, threads: () => ThreadPool<TagRequest, TagAnswer>): JobHandler {
  return async (job: FleetJob): Promise<JobOutcome> => {
    const modelDir = job.extra.modelPath;
    if (typeof modelDir !== 'string') throw new Error(`tag job ${job.key} names no model directory`);
    const table = await loadTracksById(db, job.items);
    const failures: ItemFailure[] = [];
    const found = new Set(table.text.id ?? []);
    for (const id of job.items) if (!found.has(id)) failures.push({ item: id, reason: 'track not in the catalogue (deleted since the job was queued?)' });
    const good: number[] = [];
    for (let i = 0; i < table.rowCount; i++) {
      const problem = rowProblem(table, i);
      if (problem) failures.push({ item: table.text.id[i], reason: problem });
      else good.push(i);
    }
    const rows: TagRow[] = [];
    if (good.length) {
      const part = selectRows(table, good);
      const a = await threads().run({ modelDir, table: part });
      const k = a.classes!.length;
      for (let i = 0; i < good.length; i++) {
        const probabilities: Record<string, number> = {};
        a.classes!.forEach((c, j) => { probabilities[c] = a.proba![i * k + j]; });
        rows.push({ trackId: part.text.id[i], label: a.labels![i], confidence: a.confidences![i], probabilities });
      }
    }
    return {
      succeeded: rows.length,
      failures,
      commit: (c) => upsertTagRows(c, job.version, rows),
    };
  };
}
