/**
 * A fleet worker: `concurrency` job loops on the queue, each batch's CPU work on one of as many
 * worker threads. Any number of workers, on any number of machines, share one database URL.
 */
import { FleetQueue, type FleetQueueOptions, type JobKind } from '../../io/queue/fleet-queue.ts';
import { ThreadPool } from './thread-pool.ts';
import { TAG_THREAD_ENTRY, tagJobHandler } from './tag-job.ts';
import type { TagAnswer, TagRequest } from './tag-thread.ts';
import { ANALYZE_THREAD_ENTRY, analyzeJobHandler } from './analyze-job.ts';
import type { AnalyzeAnswer, AnalyzeRequest } from './analyze-thread.ts';

export interface WorkerOptions {
  db: string;
  /** Jobs in flight at once per kind (default 1; one thread each). */
  concurrency?: number;
  /** Which queues to work on (default both: tag and analyze). */
  kinds?: readonly JobKind[];
  queue?: FleetQueueOptions;
  log?: (line: string) => void;
}

export interface RunningWorker {
  queue: FleetQueue;
  /** Jobs this worker finished (done or already done elsewhere) and attempts that failed. */
  counts: { done: number; duplicate: number; error: number };
  /** Stops taking jobs, finishes the running ones, closes threads and connections. */
  stop(): Promise<void>;
}

export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const concurrency = o.concurrency ?? 1;
  const log = o.log ?? (() => {});
  const queue = await FleetQueue.open(o.db, { supervise: true, poolSize: concurrency + 2, ...o.queue });
  let lastError = 0;
  queue.onError = (e) => {
    // While the database restarts every connection reports; one line per 5 s is enough.
    if (Date.now() - lastError > 5000) log(`worker: database error (will retry): ${e.message}`);
    lastError = Date.now();
  };
  // Threads start with the first job of their kind: a tag-only fleet never loads the audio decoders.
  let tagThreads: ThreadPool<TagRequest, TagAnswer> | undefined;
  let analyzeThreads: ThreadPool<AnalyzeRequest, AnalyzeAnswer> | undefined;
  const counts = { done: 0, duplicate: 0, error: 0 };
  const onJob = (job: { key: string }, outcome: 'done' | 'duplicate' | 'error', detail?: string) => {
    counts[outcome]++;
    if (outcome === 'error') log(`worker: batch ${job.key} failed this attempt: ${detail}`);
  };
  const kinds = o.kinds ?? ['tag', 'analyze'];
  if (kinds.includes('tag')) {
    queue.work('tag', tagJobHandler(queue.pool, () => (tagThreads ??= new ThreadPool(TAG_THREAD_ENTRY, concurrency))), { concurrency, onJob });
  }
  if (kinds.includes('analyze')) {
    queue.work('analyze', analyzeJobHandler(() => (analyzeThreads ??= new ThreadPool(ANALYZE_THREAD_ENTRY, concurrency))), { concurrency, onJob });
  }
  let stopping: Promise<void> | undefined;
  return {
    queue,
    counts,
    stop: () => (stopping ??= (async () => {
      await queue.close();
      await tagThreads?.close();
      await analyzeThreads?.close();
    })()),
  };
}
