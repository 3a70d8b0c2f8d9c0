/**
 * Runs analyzeFile over many files, in this thread (jobs = 1) or on N worker threads. Workers load
 * TypeScript through tsx's API: the thread starts from a tiny eval'd bootstrap that registers tsx
 * and then imports analyze-worker.ts, so it works whether or not the parent was started with tsx's
 * loader flags.
 */
import { Worker } from 'node:worker_threads';
import { analyzeFile, type AnalyzeFileOptions, type AnalyzeFileResult } from './analyze-file.ts';

export interface PoolOptions {
  jobs: number;
  file: AnalyzeFileOptions;
  /** Called as each file finishes (in completion order). */
  onResult?: (result: AnalyzeFileResult) => void | Promise<void>;
}

const WORKER_URL = new URL('./analyze-worker.ts', import.meta.url).href;

function startWorker(): Worker {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); })`;
  return new Worker(bootstrap, { eval: true });
}

/** Results in the order of `paths`. */
export async function analyzeFiles(paths: readonly string[], o: PoolOptions): Promise<AnalyzeFileResult[]> {
  const results: AnalyzeFileResult[] = new Array(paths.length);
  const jobs = Math.max(1, Math.min(o.jobs, paths.length));
  if (jobs <= 1) {
    for (let i = 0; i < paths.length; i++) {
      results[i] = await analyzeFile(paths[i], o.file);
      await o.onResult?.(results[i]);
    }
    return results;
  }
  let next = 0;
  const workers = Array.from({ length: jobs }, startWorker);
  try {
    await Promise.all(workers.map((w) => new Promise<void>((done, fail) => {
      const feed = () => {
        if (next >= paths.length) { done(); return; }
        const seq = next++;
        w.postMessage({ seq, path: paths[seq], options: o.file });
      };
      w.on('message', async (msg: { seq: number; result: AnalyzeFileResult }) => {
        results[msg.seq] = msg.result;
        try { await o.onResult?.(msg.result); } catch (e) { fail(e); return; }
        feed();
      });
      w.on('error', fail);
      w.on('exit', (code) => { if (next < paths.length || code !== 0) fail(new Error(`analysis worker exited with code ${code}`)); });
      feed();
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
