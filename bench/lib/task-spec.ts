/** What a bench child process is asked to do and what it answers (both the Node and Python sides). */
export interface TaskSpec {
  task: 'ingest' | 'kmeans' | 'sweep' | 'gmm' | 'silhouette' | 'mlp' | 'predict' | 'tag' | 'train';
  params: Record<string, unknown>;
}

export interface TaskResult {
  /** Wall time of the task alone (input already loaded), seconds. */
  seconds: number;
  /** Peak RSS of the process while the task ran, MB (VmHWM reset after loading). */
  peakMB: number;
  /** RSS when the high-water mark was reset (the loaded input, runtime), MB. */
  baseMB: number;
  /** CPU time of the task (user + system, all threads), seconds: less sensitive to other jobs than wall time. */
  cpuSeconds?: number;
  quality: Record<string, unknown>;
  rssMethod?: string;
}
