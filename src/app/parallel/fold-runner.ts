/**
 * `CvFoldRunner` and `KSweepRunner` on worker threads: the cross-validation folds, and the ks of
 * the k sweep, are independent, so `threads` workers each take the next job as they finish one. The core stays synchronous and pure: the
 * main thread posts the jobs and blocks in `Atomics.wait` until a worker signals, then reads the
 * answer with `receiveMessageOnPort` (so no event-loop turn is needed). Each job runs exactly
 * `runCvFold` / `sweepPoint` with its own seed, so the results equal the sequential run's.
 *
 * Workers evaluate the core bundled by esbuild (worker-bundle.ts), or, without esbuild, load it
 * through tsx (registered in each worker, as bin/moodscape.js does).
 */
import { receiveMessageOnPort, MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { lloydRestartShared, RestartWinner, restartsInline, shareKMeansRows, type KMeansRestartRunner, type KMeansRun } from '../../core/cluster/kmeans.ts';
import { sweepInline, type KSweepPoint, type KSweepRunner } from '../../core/cluster/k-sweep.ts';
import { runFoldsInline, type CvFoldContext, type CvFoldOutput, type CvFoldRunner } from '../../core/evaluate/mood-cv.ts';
import type { PoolTask } from './fold-worker.ts';
import { workerBundle } from './worker-bundle.ts';

type Answer<Out> =
  | { type: 'ready' }
  | { type: 'result'; index: number; out: Out }
  | { type: 'error'; index: number; message: string };

const STARTUP_TIMEOUT_MS = 60_000;
const WORKER_ENTRY = new URL('./fold-worker.ts', import.meta.url).href;
const TSX_API = import.meta.resolve('tsx/esm/api');
/**
 * Worker bootstrap: `execArgv: ['--import', 'tsx']` does not make a worker's .ts entry loadable
 * on Node 20 ("Unknown file extension"), so each worker registers tsx itself, as bin/moodscape.js
 * does, then imports the entry; a failure is reported to the waiting main thread at once.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((m) => { m.register(); return import(workerData.entry); }).catch((e) => {
  workerData.port.postMessage({ type: 'error', index: -1, message: String((e && e.stack) || e) });
  Atomics.add(workerData.signal, 0, 1);
  Atomics.notify(workerData.signal, 0);
});`;

/** The bundled entry (worker-bundle.ts), with a failure while loading reported like BOOTSTRAP's. */
function bundledBootstrap(bundle: string): string {
  return `(function () {
try {
${bundle}
} catch (e) {
  const { workerData } = require('node:worker_threads');
  workerData.port.postMessage({ type: 'error', index: -1, message: String((e && e.stack) || e) });
  Atomics.add(workerData.signal, 0, 1);
  Atomics.notify(workerData.signal, 0);
}
})();`;
}

/** Hands every message waiting on the workers' ports to `handle`, without blocking; whether there was any. */
export function drainPorts(slots: readonly Slot[], handle: (message: unknown) => void): boolean {
  let got = false;
  for (const slot of slots) {
    for (let m = receiveMessageOnPort(slot.port); m; m = receiveMessageOnPort(slot.port)) {
      got = true;
      handle(m.message);
    }
  }
  return got;
}

export interface Slot {
  readonly worker: Worker;
  readonly port: MessagePort;
}

/**
 * A worker thread running fold-worker.ts, answering on `port`; after each message it posts it
 * adds 1 to signal[0] and notifies, so a blocked main thread wakes. Unref'd: it never keeps the
 * process alive.
 */
export function spawnWorker(signal: Int32Array): Slot {
  const { port1, port2 } = new MessageChannel();
  const bundle = workerBundle();
  const worker = new Worker(bundle === null ? BOOTSTRAP : bundledBootstrap(bundle), {
    eval: true,
    workerData: { port: port2, signal, tsx: TSX_API, entry: WORKER_ENTRY },
    transferList: [port2],
  });
  worker.unref();
  return { worker, port: port1 };
}

/** Default thread count: the cores Node may use, at most 4. */
export function defaultFoldThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * A fold runner using up to `threads` worker threads (fewer when there are fewer jobs); with one
 * thread or one job it runs the folds inline. The workers start at once and take jobs from a
 * shared counter, so the folds run while the caller does other work until it joins.
 */
export function workerFoldRunner(threads: number = defaultFoldThreads()): CvFoldRunner {
  return (ctx, jobs) => {
    const nThreads = Math.min(threads, jobs.length);
    if (nThreads <= 1) return runFoldsInline(ctx, jobs);
    // Workers need only the numeric columns (features never read text).
    const shared: CvFoldContext = { ...ctx, table: { rowCount: ctx.table.rowCount, numeric: ctx.table.numeric, text: {} } };
    const join = startPool<CvFoldOutput>({ kind: 'cv-fold', ctx: shared, jobs: [...jobs] }, nThreads);
    return (onDone) => join(onDone, 'fold');
  };
}

/** A k-sweep runner: the ks of the sweep (each K-Means + silhouette) on up to `threads` workers. */
export function workerSweepRunner(threads: number = defaultFoldThreads()): KSweepRunner {
  return (X, o, ks) => {
    const nThreads = Math.min(threads, ks.length);
    if (nThreads <= 1) return sweepInline(X, o, ks);
    // Largest k first: the slowest fits start first, so the threads finish together.
    const order = [...ks].sort((a, b) => b - a);
    const points = startPool<KSweepPoint>({ kind: 'k-sweep', ctx: { X, o }, jobs: order }, nThreads)(() => {}, 'k');
    const byK = new Map(points.map((p) => [p.k, p]));
    return ks.map((k) => byK.get(k)!);
  };
}

/**
 * A K-Means restart runner: the restarts of one fit on `threads` threads — this one and
 * `threads − 1` workers — over rows copied once into shared WebAssembly memory. Falls back to
 * running them in turn without shared memory or WebAssembly SIMD.
 */
export function workerRestartRunner(threads: number = defaultFoldThreads()): KMeansRestartRunner {
  return (job) => {
    const nThreads = Math.min(threads, job.seedings.length);
    const rows = nThreads > 1 ? shareKMeansRows(job, nThreads) : null;
    if (!rows) return restartsInline(job);
    const slotCounter = new Int32Array(new SharedArrayBuffer(4));
    slotCounter[0] = 1;
    const join = startPool<KMeansRun>(
      { kind: 'kmeans-restarts', ctx: { rows, maxIter: job.maxIter, tolAbs: job.tolAbs, slotCounter }, jobs: [...job.seedings] },
      nThreads - 1,
      (index) => lloydRestartShared(rows, 0, job.seedings[index], job.maxIter, job.tolAbs),
    );
    const winner = new RestartWinner();
    join((index, run) => winner.offer(run, index), 'K-Means restart', false);
    return winner.run;
  };
}

/**
 * Starts `nThreads` workers on the task's jobs. With `inline`, the calling thread takes jobs from
 * the same counter while it waits, so it works as one more thread instead of idling.
 */
function startPool<Out>(
  task: PoolTask, nThreads: number, inline?: (index: number) => Out,
): (onDone: (index: number, out: Out) => void, what: string, retain?: boolean) => Out[] {
  const nJobs = task.jobs.length;
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const slots: Slot[] = [];
  const stop = (): void => { for (const s of slots) { s.port.close(); void s.worker.terminate(); } };
  const started = Date.now();
  try {
    for (let t = 0; t < nThreads; t++) {
      const slot = spawnWorker(signal);
      slots.push(slot);
      slot.port.postMessage(task);
    }
  } catch (e) {
    stop();
    throw e;
  }
  // With retain = false the outputs go to onDone only (the caller keeps what it needs).
  return (onDone, what, retain = true) => {
    const results: (Out | undefined)[] = new Array(nJobs);
    let finished = 0, ready = 0;
    try {
      while (finished < nJobs) {
        const seen = Atomics.load(signal, 0);
        const got = drainPorts(slots, (message) => {
          const a = message as Answer<Out>;
          if (a.type === 'ready') ready++;
          else if (a.type === 'error') throw new Error(`${what} ${a.index + 1} failed in a worker thread: ${a.message}`);
          else { if (retain) results[a.index] = a.out; finished++; onDone(a.index, a.out); }
        });
        if (got) continue;
        if (inline) {
          const index = Atomics.add(signal, 1, 1);
          if (index < nJobs) {
            const out = inline(index);
            if (retain) results[index] = out;
            finished++;
            onDone(index, out);
            continue;
          }
        }
        // A worker that cannot even start never answers: give up after a minute.
        if (ready < slots.length && Date.now() - started > STARTUP_TIMEOUT_MS) {
          throw new Error(`worker threads did not start within ${STARTUP_TIMEOUT_MS / 1000} s`);
        }
        Atomics.wait(signal, 0, seen, ready < slots.length ? 1000 : undefined);
      }
    } finally {
      stop();
    }
    return results as Out[];
  };
}
