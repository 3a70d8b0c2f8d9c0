/**
 * The benches' data, generated once per run into a fresh directory under os.tmpdir() (never in
 * the repository) and deleted afterwards:
 *
 * - `tracks_big.csv`: a generated catalogue of `big` tracks (seed 1), Spotify-export columns;
 * - `tracks_mid.csv`: its first `mid` tracks (the generator's row i depends only on seed and i);
 * - `labelled_mid.csv` / `labelled_test.csv`: labelled samples (`mood` column; seeds 2 and 3);
 * - numeric CSVs (see numeric-csv.ts) both sides read:
 *   - `cluster_big.csv`, `cluster_mid.csv`: the default clustering features (6 base + 3 engineered)
 *     of tracks_big, z-scored (scaler fitted on the big set; mid = its first rows);
 *   - `silhouette_small.csv`: the first `small` rows of cluster_mid plus K-Means (k = 4) labels;
 *   - `mlp_train.csv`, `mlp_test.csv`: every input feature of the labelled sets (11), z-scored with
 *     the training scaler, plus the mood as y;
 *   - `predict_big.csv`: the same 11 features of tracks_big, same scaler.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTracksCsv } from '../../src/io/csv/read-tracks.ts';
import { writeGeneratedCsv } from '../../src/io/generate-csv.ts';
import { availableInputs, CLUSTER_FEATURES, designMatrix } from '../../src/core/data/feature-matrix.ts';
import { StandardScaler } from '../../src/core/data/scaler.ts';
import { KMeans } from '../../src/core/cluster/kmeans.ts';
import { encodeLabels } from '../../src/core/classify/mood-classifier.ts';
import { readNumericCsv, writeNumericCsv } from './numeric-csv.ts';

export interface Sizes {
  /** "1M" rows: ingest, K-Means big, prediction. */
  big: number;
  /** "100k" rows: sweep, GMM, network training, train budget. */
  mid: number;
  /** "10k" rows: silhouette. */
  small: number;
  /** Labelled held-out rows for network accuracy. */
  test: number;
}

export const FULL_SIZES: Sizes = { big: 1_000_000, mid: 100_000, small: 10_000, test: 20_000 };
export const QUICK_SIZES: Sizes = { big: 50_000, mid: 10_000, small: 2_000, test: 2_000 };

export type Need = 'tracks' | 'cluster' | 'clusterMid' | 'silhouette' | 'mlp' | 'predict';

export interface BenchData {
  dir: string;
  sizes: Sizes;
  files: Record<string, string>;
  moods: string[];
}

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'moodscape-bench-'));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function prepareData(dir: string, sizes: Sizes, needs: ReadonlySet<Need>, log: (s: string) => void): Promise<BenchData> {
  const f = (name: string) => join(dir, name);
  const files: Record<string, string> = {
    tracksBig: f('tracks_big.csv'),
    tracksMid: f('tracks_mid.csv'),
    labelledMid: f('labelled_mid.csv'),
    labelledTest: f('labelled_test.csv'),
    clusterBig: f('cluster_big.csv'),
    clusterMid: f('cluster_mid.csv'),
    silhouette: f('silhouette_small.csv'),
    mlpTrain: f('mlp_train.csv'),
    mlpTest: f('mlp_test.csv'),
    predictBig: f('predict_big.csv'),
  };
  log(`generating ${sizes.big.toLocaleString('en')} tracks into ${dir}`);
  await writeGeneratedCsv(files.tracksBig, { tracks: sizes.big, seed: 1 });
  await writeGeneratedCsv(files.tracksMid, { tracks: sizes.mid, seed: 1 });
  let moods: string[] = [];
  let mlpScaler: ReturnType<StandardScaler['fit']> | undefined;
  let mlpInputs: string[] = [];
  if (needs.has('mlp') || needs.has('predict')) {
    log('generating labelled samples');
    await writeGeneratedCsv(files.labelledMid, { tracks: sizes.mid, seed: 2, labelled: true });
    await writeGeneratedCsv(files.labelledTest, { tracks: sizes.test, seed: 3, labelled: true });
    const train = (await readTracksCsv(files.labelledMid)).table;
    const test = (await readTracksCsv(files.labelledTest)).table;
    mlpInputs = availableInputs(train);
    const sel = { inputs: mlpInputs, engineered: [] };
    const Xtr = designMatrix(train, sel);
    mlpScaler = new StandardScaler().fit(Xtr);
    const enc = encodeLabels(train.text.mood);
    moods = enc.classes;
    await writeNumericCsv(files.mlpTrain, mlpScaler.transform(Xtr), enc.y);
    await writeNumericCsv(files.mlpTest, mlpScaler.transform(designMatrix(test, sel)), encodeLabels(test.text.mood, enc.classes).y);
  }
  if (needs.has('cluster') || needs.has('clusterMid') || needs.has('silhouette') || needs.has('predict')) {
    log('deriving numeric feature files');
    const big = (await readTracksCsv(files.tracksBig)).table;
    const Xc = designMatrix(big, CLUSTER_FEATURES);
    const Xcs = new StandardScaler().fit(Xc).transform(Xc);
    if (needs.has('cluster')) await writeNumericCsv(files.clusterBig, Xcs);
    await writeNumericCsv(files.clusterMid, Xcs, undefined, sizes.mid);
    if (needs.has('silhouette')) {
      // Labels from the rounded values the peers read, so both sides score the same partition.
      const Xs = readNumericCsv(files.clusterMid, sizes.small).X;
      const labels = new KMeans({ k: 4, nInit: 10, seed: 0 }).fit(Xs).labels;
      await writeNumericCsv(files.silhouette, Xs, labels);
    }
    if (needs.has('predict') && mlpScaler) {
      await writeNumericCsv(files.predictBig, mlpScaler.transform(designMatrix(big, { inputs: mlpInputs, engineered: [] })));
    }
  }
  return { dir, sizes, files, moods };
}
