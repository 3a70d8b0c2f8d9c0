import type { Command } from 'commander';
import { InputError } from '../../../core/errors.ts';
import { parseFeatureList } from '../../../core/feature-matrix.ts';
import { designMatrix } from '../../../core/feature-matrix.ts';
import type { ClassifierKind } from '../../../core/classifiers.ts';
import { trainMetrics, trainMoodModel, type TrainSpec } from '../../../core/train-mood-model.ts';
import { fingerprint, saveMoodModel } from '../../../io/mood-model-dir.ts';
import { addIngestOptions, describeIngest, ingest, ingestSummary, type IngestFlags } from '../common.ts';
import { action, parseNumberFlag, printJson } from '../run-action.ts';
import { createLogger, createProgress } from '../progress.ts';
import { formatClassificationReport } from '../../../core/metrics.ts';

interface TrainFlags extends IngestFlags {
  label?: string;
  fromClusters?: boolean;
  k?: string;
  method?: string;
  model: string;
  cv: string;
  features?: string;
  epochs?: string;
  batchSize?: string;
  seed: string;
  out: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('train a mood classifier on a label column (human or playlist moods) or on K-Means clusters, and save it')
    .argument('<csv>', 'track CSV with audio features')
    .option('--label <column>', 'column holding the mood labels')
    .option('--from-clusters', "train on K-Means cluster moods (the original pipeline's set-up)")
    .option('--k <k>', 'clusters for --from-clusters: 2..10 or auto', '4')
    .option('--method <method>', 'clustering for --from-clusters: kmeans or gmm', 'kmeans')
    .option('--model <kind>', 'classifier: mlp or logreg', 'mlp')
    .option('--cv <folds>', 'stratified k-fold cross-validation folds (0 = one 80/20 holdout)', '5')
    .option('--features <list>', 'comma-separated features (audio and engineered), default: every audio feature present')
    .option('--epochs <n>', 'network training epochs (default 50)')
    .option('--batch-size <n>', 'network batch size (default 16)')
    .option('--seed <n>', 'random seed', '0')
    .requiredOption('--out <dir>', 'model directory to write')
    .option('--json', 'print machine-readable results')
    .option('--quiet', 'no progress or status on stderr');
  addIngestOptions(cmd).action(action(async (csv: string, flags: TrainFlags) => {
    if (Boolean(flags.label) === Boolean(flags.fromClusters)) throw new InputError('give exactly one of --label COLUMN or --from-clusters');
    const quiet = Boolean(flags.quiet || flags.json);
    const log = createLogger(quiet);
    const spec = trainSpecFromFlags(flags);
    const input = await ingest(csv, flags, { quiet });
    for (const line of describeIngest(input)) log(line);
    const progress = createProgress({ quiet });
    const outcome = trainMoodModel(input.table, spec, (e) => {
      if (e.total) { if (e.done === 1) progress.start(e.total, e.stage); progress.update(e.done ?? 0); }
      else { progress.stop(); log(`… ${e.stage}`); }
    });
    progress.stop();
    const metrics = trainMetrics(outcome);
    const X = designMatrix(outcome.table, outcome.model.selection);
    await saveMoodModel(flags.out, outcome.model, {
      target: spec.target.type === 'label'
        ? { type: 'label', column: spec.target.column }
        : { type: 'clusters', k: outcome.clustering!.k, method: spec.target.method },
      training: { file: csv, rows: outcome.table.rowCount, fingerprint: fingerprint(X, outcome.target.y) },
      metrics,
      ingest: ingestSummary(input),
      ...(outcome.clustering ? { clusters: { k: outcome.clustering.k, profiles: outcome.clustering.profiles } } : {}),
    });
    if (flags.json) {
      printJson({ ...metrics, droppedUnlabelled: outcome.droppedUnlabelled, out: flags.out });
      return;
    }
    const out: string[] = [];
    if (outcome.droppedUnlabelled) out.push(`${outcome.droppedUnlabelled} rows without a label were left out`);
    out.push(`classes: ${outcome.target.classes.join(', ')}`);
    if (outcome.cv) {
      const { accuracy: a, macroF1: f } = outcome.cv;
      out.push(`${outcome.cv.folds}-fold stratified CV: accuracy ${a.mean.toFixed(3)} ± ${a.std.toFixed(3)}, macro-F1 ${f.mean.toFixed(3)} ± ${f.std.toFixed(3)}`);
      out.push(formatClassificationReport(outcome.cv.report));
    } else if (outcome.holdout) {
      out.push(`80/20 holdout (${outcome.holdout.testSize} tracks): accuracy ${outcome.holdout.accuracy.toFixed(3)}, macro-F1 ${outcome.holdout.macroF1.toFixed(3)}`);
      out.push(formatClassificationReport(outcome.holdout.report));
    }
    if (spec.target.type === 'clusters') {
      out.push('note: these labels were made by K-Means from the same features, so accuracy measures agreement with the clustering, not with human moods');
    }
    out.push(`model written to ${flags.out}`);
    process.stdout.write(out.join('\n') + '\n');
  }));
}

export function trainSpecFromFlags(flags: TrainFlags): TrainSpec {
  const model = flags.model as ClassifierKind;
  if (model !== 'mlp' && model !== 'logreg') throw new InputError(`--model must be mlp or logreg, got "${flags.model}"`);
  const cv = parseNumberFlag('cv', flags.cv, { integer: true, min: 0, max: 100 });
  if (cv === 1) throw new InputError('--cv must be 0 (holdout) or at least 2 folds');
  const seed = parseNumberFlag('seed', flags.seed, { integer: true, min: 0 });
  const classifierOptions: Record<string, unknown> = {};
  if (flags.epochs !== undefined) classifierOptions.epochs = parseNumberFlag('epochs', flags.epochs, { integer: true, min: 1 });
  if (flags.batchSize !== undefined) classifierOptions.batchSize = parseNumberFlag('batch-size', flags.batchSize, { integer: true, min: 1 });
  if (model === 'logreg' && Object.keys(classifierOptions).length) throw new InputError('--epochs and --batch-size apply to --model mlp only');
  const features = flags.features ? parseFeatureList(flags.features.split(',')) : undefined;
  let target: TrainSpec['target'];
  if (flags.label) target = { type: 'label', column: flags.label.toLowerCase() };
  else {
    const k = flags.k === 'auto' || flags.k === undefined ? 'auto' : parseNumberFlag('k', flags.k, { integer: true, min: 2, max: 10 });
    const method = flags.method ?? 'kmeans';
    if (method !== 'kmeans' && method !== 'gmm') throw new InputError(`--method must be kmeans or gmm, got "${method}"`);
    target = { type: 'clusters', k, method };
  }
  return { target, classifier: { model, classifierOptions, ...(features ? { features } : {}) }, cv, seed };
}
