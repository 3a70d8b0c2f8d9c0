/**
 * Worker-thread entry for analysis jobs: decodes and analyses one file per request with the same
 * `analyzeFile` that `moodscape analyze` uses, off the event loop that keeps the worker's jobs alive.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeFile, type AnalyzeFileResult } from '../../io/audio/analyze-file.ts';

export interface AnalyzeRequest {
  id: number;
  path: string;
}

export interface AnalyzeAnswer {
  id: number;
  error?: string;
  result?: AnalyzeFileResult;
}

parentPort?.on('message', (req: AnalyzeRequest) => {
  analyzeFile(req.path).then(
    (result) => parentPort!.postMessage({ id: req.id, result } satisfies AnalyzeAnswer),
    (e) => parentPort!.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) } satisfies AnalyzeAnswer),
  );
});
