import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import { designMatrix, parseFeatureList } from '../../../core/data/feature-matrix.ts';
import { clusterStability, type ClusterStability } from '../../../core/cluster/cluster-stability.ts';
import { defaultFoldThreads } from '../../parallel/fold-runner.ts';
import { workerRuntime } from '../../parallel/worker-runtime.ts';
import { clusterMoods, maxMembership, type ClusterMethod } from '../../../core/cluster/mood-clusters.ts';
import { writeTableCsv, type CsvCell } from '../../../io/csv/write-csv.ts';
import { addIngestOptions, describeIngest, ingest, type IngestFlags } from '../common.ts';
import { createLogger } from '../progress.ts';
import { action, parseNumberFlag, printJson } from '../run-action.ts';

interface ClusterFlags extends IngestFlags {
  k: string;
  method: string;
  covariance: string;
  seed: string;
  bootstraps: string;
  threads?: string;
  features?: string;
  out: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerCluster(program: Command): void {
  const cmd = program
    .command('cluster')
    .description('cluster tracks into moods named from their centroids (writes the original\'s clustered_songs.csv)')
    .argument('<csv>', 'track CSV with audio features')
    .option('--k <k>', 'number of clusters, 2..10, or auto (elbow knee over k = 2..10)', 'auto')
    .option('--method <method>', 'kmeans or gmm (soft memberships)', 'kmeans')
    .option('--covariance <type>', 'GMM covariance: full or diag', 'full')
    .option('--features <list>', 'comma-separated clustering features (audio and engineered); default: the base six plus valence_acousticness_interaction, dance_energy_interaction, tempo_log')
    .option('--threads <n>', `worker threads for the k sweep, the K-Means restarts and the Gaussian mixture (1 = in-process; same results either way; default ${defaultFoldThreads()})`)
    .option('--bootstraps <n>', 'K-Means fits on bootstrap resamples for the stability (ARI) of the chosen k; 0 skips', '10')
    .option('--seed <n>', 'random seed', '0')
    .requiredOption('--out <file>', 'CSV to write: the input plus mood_cluster, mood_name (and memberships for gmm)')
    .option('--json', 'print machine-readable results')
    .option('--quiet', 'no status on stderr');
  addIngestOptions(cmd).action(action(async (csv: string, flags: ClusterFlags) => {
    const quiet = Boolean(flags.quiet || flags.json);
    const log = createLogger(quiet);
    const k = flags.k === 'auto' ? 'auto' : parseNumberFlag('k', flags.k, { integer: true, min: 2, max: 10 });
    if (flags.method !== 'kmeans' && flags.method !== 'gmm') throw new InputError(`--method must be kmeans or gmm, got "${flags.method}"`);
    if (flags.covariance !== 'full' && flags.covariance !== 'diag') throw new InputError(`--covariance must be full or diag, got "${flags.covariance}"`);
    const seed = parseNumberFlag('seed', flags.seed, { integer: true, min: 0 });
    const input = await ingest(csv, flags, { quiet });
    for (const line of describeIngest(input)) log(line);
    const features = flags.features ? parseFeatureList(flags.features.split(',')) : undefined;
    const threads = flags.threads === undefined ? defaultFoldThreads() : parseNumberFlag('threads', flags.threads, { integer: true, min: 1, max: 64 });
    const c = clusterMoods(
      input.table,
      { k, method: flags.method as ClusterMethod, covariance: flags.covariance as 'full' | 'diag', seed, features },
      (m) => log(`… ${m}`),
      workerRuntime(threads),
    );
    const bootstraps = parseNumberFlag('bootstraps', flags.bootstraps, { integer: true, min: 0, max: 1000 });
    let stability: ClusterStability | undefined;
    if (bootstraps >= 2) {
      log(`… stability: ${bootstraps} K-Means fits on bootstrap resamples`);
      stability = clusterStability(c.scaler.transform(designMatrix(input.table, c.options.features)), { k: c.k, bootstraps, nInit: 3, seed });
    }
    const names = c.names.map((n) => n.name);
    const extra: Record<string, ArrayLike<CsvCell>> = {
      mood_cluster: Array.from(c.labels),
      mood_name: Array.from(c.labels, (l) => names[l]),
    };
    if (c.proba) {
      const p = c.proba;
      names.forEach((name, j) => {
        extra[`membership_${name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`] = Array.from({ length: p.rows }, (_, i) => round(p.data[i * p.cols + j]));
      });
      extra.membership = Array.from(maxMembership(p), round);
    }
    extra.pca_x = Array.from({ length: c.coords.rows }, (_, i) => round(c.coords.data[2 * i]));
    extra.pca_y = Array.from({ length: c.coords.rows }, (_, i) => round(c.coords.data[2 * i + 1]));
    await writeTableCsv(flags.out, input.table, extra);
    const result = {
      k: c.k,
      method: flags.method,
      chosenBy: c.sweep ? c.sweep.chosenBy : 'user',
      sweep: c.sweep?.points,
      kneeK: c.sweep?.kneeK,
      bestSilhouetteK: c.sweep?.bestSilhouetteK,
      stability: stability ? { k: stability.k, bootstraps: stability.bootstraps, mean: stability.mean, std: stability.std } : undefined,
      gmm: c.gmm ? { logLikelihood: c.gmm.logLikelihood, bic: c.gmm.bic, aic: c.gmm.aic, converged: c.gmm.converged } : undefined,
      clusters: c.profiles,
      pca: { explainedVarianceRatio: Array.from(c.pca.explainedVarianceRatio) },
      out: flags.out,
    };
    if (flags.json) return printJson(result);
    const out: string[] = [];
    if (c.sweep) {
      out.push('  k      inertia   silhouette');
      for (const p of c.sweep.points) {
        out.push(`${String(p.k).padStart(3)} ${p.inertia.toFixed(1).padStart(12)} ${p.silhouette.toFixed(3).padStart(12)}${p.sampled ? ` (sampled, ${p.silhouetteRows} rows)` : ''}${p.k === c.k ? '  ← chosen' : ''}`);
      }
      out.push(`chosen k = ${c.k} by the ${c.sweep.chosenBy === 'knee' ? 'elbow (knee of the inertia curve)' : 'best silhouette'}; best silhouette at k = ${c.sweep.bestSilhouetteK}`);
    }
    if (stability) out.push(`stability at k = ${c.k}: adjusted Rand index ${stability.mean.toFixed(3)} ± ${stability.std.toFixed(3)} between K-Means fits on ${stability.bootstraps} bootstrap resamples (1 = the same clusters every time)`);
    if (result.gmm) out.push(`GMM: log-likelihood ${result.gmm.logLikelihood.total.toFixed(1)} (mean ${result.gmm.logLikelihood.mean.toFixed(4)}), BIC ${result.gmm.bic.toFixed(1)}, AIC ${result.gmm.aic.toFixed(1)}`);
    out.push('', 'moods found:');
    for (const p of c.profiles) out.push(`  ${p.name.padEnd(28)} ${String(p.size).padStart(7)} tracks   ${p.reasons.join(', ')}`);
    const ev = c.pca.explainedVarianceRatio;
    out.push(`mood map: PCA to 2-D keeps ${(100 * (ev[0] + ev[1])).toFixed(0)} % of the variance (columns pca_x, pca_y)`);
    out.push(`written to ${flags.out}`);
    process.stdout.write(out.join('\n') + '\n');
  }));
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
