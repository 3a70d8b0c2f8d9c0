/**
 * The handler of analysis jobs: analyses each file of the batch on a worker thread; a file that
 * cannot be decoded or analysed fails alone, with its reason; the analysed tracks are upserted into
 * the catalogue together with the job's completion.
 */
import type { FleetJob, JobHandler, JobOutcome } from '../../io/queue/fleet-queue.ts';
import type { ItemFailure } from '../../io/queue/fleet-ledger.ts';
import { analysedTable } from '../../io/audio/analysis-output.ts';
import type { AnalysedTrack } from '../../io/audio/analyze-file.ts';
import { upsertTrackTable } from '../../io/store/postgres-store.ts';
import type { ThreadPool } from './thread-pool.ts';
import type { AnalyzeAnswer, AnalyzeRequest } from './analyze-thread.ts';

export const ANALYZE_THREAD_ENTRY = new URL('./analyze-thread.ts', import.meta.url);

export function analyzeJobHandler(threads: () => ThreadPool<AnalyzeRequest, AnalyzeAnswer>): JobHandler {
  return async (job: FleetJob): Promise<JobOutcome> => {
    const tracks: AnalysedTrack[] = [];
    const failures: ItemFailure[] = [];
    for (const path of job.items) {
      const { result } = await threads().run({ path });
      if (result!.ok) tracks.push(result!.track);
      else failures.push({ item: path, reason: result!.message });
    }
    return {
      succeeded: tracks.length,
      failures,
      commit: async (c) => { if (tracks.length) await upsertTrackTable(c, analysedTable(tracks)); },
    };
  };
}
