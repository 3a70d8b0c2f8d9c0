/**
 * One moodscape task in a fresh process (so peak RSS and JIT state are per task, as for the
 * Python peer). Usage: node --expose-gc --import tsx bench/lib/ms-task.ts '<json TaskSpec>'.
 * Loads the task's input untimed, resets the RSS high-water mark, times the task with
 * process.hrtime, and prints one line `BENCH_RESULT {json}`.
 */
import { readTracksCsv } from '../../src/io/csv/read-tracks.ts';
import { KMeans } from '../../src/core/cluster/kmeans.ts';
import { workerRestartRunner, workerSweepRunner } from '../../src/app/parallel/fold-runner.ts';
import { workerRuntime } from '../../src/app/parallel/worker-runtime.ts';
import { workerGmmRunner } from '../../src/app/parallel/gmm-runner.ts';
import { sweepK } from '../../src/core/cluster/k-sweep.ts';
import { GaussianMixture } from '../../src/core/cluster/gmm.ts';
import { silhouette } from '../../src/core/cluster/silhouette.ts';
import { MlpClassifier } from '../../src/core/classify/mlp.ts';
import { encodeLabels, MoodClassifier } from '../../src/core/classify/mood-classifier.ts';
import { trainMoodModel, type TrainSpec } from '../../src/core/classify/train-mood-model.ts';
import { readNumericCsv } from './numeric-csv.ts';
import { PeakRss } from './peak-rss.ts';
import type { TaskSpec, TaskResult } from './task-spec.ts';

const spec = JSON.parse(process.argv[2]) as TaskSpec;
const p = spec.params;
const peak = new PeakRss();

function accuracy(pred: Int32Array, y: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return ok / y.length;
}

function nClassesOf(y: Int32Array): number {
  let m = 0;
  for (let i = 0; i < y.length; i++) if (y[i] > m) m = y[i];
  return m + 1;
}

let cpu0: NodeJS.CpuUsage | undefined;
let cpuSeconds = NaN;
const stopCpu = () => { const c = process.cpuUsage(cpu0); cpuSeconds = (c.user + c.system) / 1e6; };

async function run(): Promise<TaskResult> {
  const t = () => { cpu0 ??= process.cpuUsage(); return process.hrtime.bigint(); };
  const secs = (a: bigint, b: bigint) => Number(b - a) / 1e9;
  switch (spec.task) {
    case 'ingest': {
      const base = peak.reset();
      const t0 = t();
      const r = await readTracksCsv(p.file as string);
      const t1 = process.hrtime.bigint(); stopCpu();
      return { seconds: secs(t0, t1), peakMB: await peak.peakMB(), baseMB: base, quality: { rows: r.table.rowCount } };
    }
    case 'kmeans': {
      const { X } = readNumericCsv(p.file as string, p.rows as number);
      const base = peak.reset();
      const t0 = t();
      // As the CLI runs it: the restarts over the default worker threads (same result as one thread).
      const m = new KMeans({ k: p.k as number, nInit: p.nInit as number, seed: 0 }).fit(X, workerRestartRunner());
      const t1 = process.hrtime.bigint(); stopCpu();
      return { seconds: secs(t0, t1), peakMB: await peak.peakMB(), baseMB: base, quality: { inertia: m.inertia, nIter: m.nIter } };
    }
    case 'sweep': {
      const { X } = readNumericCsv(p.file as string, p.rows as number);
      const base = peak.reset();
      const t0 = t();
      const s = sweepK(X, { kMin: 2, kMax: 10, nInit: p.nInit as number, seed: 0 }, workerSweepRunner());
      const t1 = process.hrtime.bigint(); stopCpu();
      return {
        seconds: secs(t0, t1), peakMB: await peak.peakMB(), baseMB: base,
        quality: { chosenK: s.chosenK, chosenBy: s.chosenBy, silhouetteRows: s.points[0].silhouetteRows },
      };
    }
    case 'gmm': {
      const { X } = readNumericCsv(p.file as string, p.rows as number);
      const base = peak.reset();
      const t0 = t();
      // As the CLI runs it: EM's row passes over the default worker threads (same result as one thread).
      const g = new GaussianMixture({ k: p.k as number, covarianceType: 'full', seed: 0 }).fit(X, workerGmmRunner());
      const t1 = process.hrtime.bigint(); stopCpu();
      return {
        seconds: secs(t0, t1), peakMB: await peak.peakMB(), baseMB: base,
        quality: { meanLogLik: g.logLikelihood.mean, nIter: g.nIter, converged: g.converged },
      };
    }
    case 'silhouette': {
      const { X, y } = readNumericCsv(p.file as string);
      const base = peak.reset();
      const t0 = t();
      const s = silhouette(X, y!, { maxExact: X.rows, sampleSize: X.rows });
      const t1 = process.hrtime.bigint(); stopCpu();
      return { seconds: secs(t0, t1), peakMB: await peak.peakMB(), baseMB: base, quality: { silhouette: s.score } };
    }
    case 'mlp': {
      const tr = readNumericCsv(p.train as string);
      const te = readNumericCsv(p.test as string);
      const k = nClassesOf(tr.y!);
      // Exactly `epochs` epochs, as scikit-learn runs them here (no early stopping on either side).
      const opts = { batchSize: p.batch as number, epochs: p.epochs as number, earlyStopping: null, seed: 0, ...(p.dropout !== undefined ? { dropout: p.dropout as number } : {}) };
      const base = peak.reset();
      const t0 = t();
      const m = new MlpClassifier(opts).fit(tr.X, tr.y!, k);
      const t1 = process.hrtime.bigint(); stopCpu();
      const pk = await peak.peakMB();
      return { seconds: secs(t0, t1), peakMB: pk, baseMB: base, quality: { accuracy: accuracy(m.predict(te.X), te.y!) } };
    }
    case 'predict': {
      // The network alone on z-scored rows (what sklearn's predict_proba does).
      const tr = readNumericCsv(p.train as string);
      const m = new MlpClassifier({ batchSize: 256, epochs: p.fitEpochs as number, earlyStopping: null, seed: 0 }).fit(tr.X, tr.y!, nClassesOf(tr.y!));
      const { X } = readNumericCsv(p.file as string);
      const base = peak.reset();
      const t0 = t();
      const proba = m.predictProba(X);
      const t1 = process.hrtime.bigint(); stopCpu();
      return { seconds: secs(t0, t1), peakMB: await peak.peakMB(), baseMB: base, quality: { rowsPerSecond: X.rows / secs(t0, t1), rows: proba.rows } };
    }
    case 'tag': {
      // The tagging path: track table → feature matrix → scaler → network probabilities.
      const lab = (await readTracksCsv(p.train as string)).table;
      const model = new MoodClassifier({ classifierOptions: { epochs: p.fitEpochs, batchSize: 256 }, seed: 0 }).fit(lab, encodeLabels(lab.text.mood));
      const table = (await readTracksCsv(p.file as string)).table;
      const base = peak.reset();
      const t0 = t();
      const proba = model.predictProba(table);
      const t1 = process.hrtime.bigint(); stopCpu();
      return { seconds: secs(t0, t1), peakMB: await peak.peakMB(), baseMB: base, quality: { rowsPerSecond: table.rowCount / secs(t0, t1), rows: proba.rows } };
    }
    case 'train': {
      // `moodscape train <csv> --from-clusters --k auto --method gmm --cv 5` (network defaults), on
      // the CLI's default worker threads.
      const table = (await readTracksCsv(p.file as string)).table;
      const trainSpec: TrainSpec = { target: { type: 'clusters', k: 'auto', method: 'gmm' }, classifier: { model: 'mlp', classifierOptions: {} }, cv: 5, seed: 0 };
      const stages: Record<string, number> = {};
      let cur = 'start';
      let last = process.hrtime.bigint();
      const mark = (stage: string) => {
        const now = process.hrtime.bigint();
        stages[cur] = (stages[cur] ?? 0) + Number(now - last) / 1e9;
        cur = stage;
        last = now;
      };
      const base = peak.reset();
      const t0 = t();
      last = t0;
      const o = trainMoodModel(table, trainSpec, (e) => {
        const s = e.stage.startsWith('sweeping') ? 'k sweep'
          : e.stage.startsWith('K-Means') ? 'K-Means (chosen k)'
          : e.stage.startsWith('Gaussian') ? 'GMM'
          : e.stage === 'final model' ? 'final model and logistic baseline'
          : e.stage === 'cross-validation' ? 'waiting for the last CV folds' : e.stage;
        if (s !== cur) mark(s);
      }, workerRuntime());
      mark('end');
      const t1 = process.hrtime.bigint(); stopCpu();
      delete stages.start;
      delete stages.clustering;
      return {
        seconds: secs(t0, t1), peakMB: await peak.peakMB(), baseMB: base,
        quality: { chosenK: o.clustering?.k, cvAccuracy: o.cv?.accuracy.mean, stages },
      };
    }
    default:
      throw new Error(`unknown task ${spec.task}`);
  }
}

const r = await run();
process.stdout.write(`BENCH_RESULT ${JSON.stringify({ ...r, cpuSeconds, rssMethod: peak.method })}\n`);
