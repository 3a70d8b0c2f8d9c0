/**
 * Worker-thread entry of `analyze --jobs N`: receives {seq, path, options} messages and answers each
 * with analyzeFile's result. Loaded through analyze-pool.ts, which registers tsx in the thread.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeFile, type AnalyzeFileOptions } from './analyze-file.ts';

if (!parentPort) throw new Error('analyze-worker.ts runs only as a worker thread');
const port = parentPort;
port.on('message', async (msg: { seq: number; path: string; options: AnalyzeFileOptions }) => {
  const result = await analyzeFile(msg.path, msg.options);
  port.postMessage({ seq: msg.seq, result });
});
