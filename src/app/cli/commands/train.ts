import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import { parseFeatureList } from '../../../core/data/feature-matrix.ts';
import type { ClassifierKind } from '../../../core/classify/classifiers.ts';
import { DEFAULT_ENSEMBLE_MEMBERS, trainMetrics, trainMoodModel, type TrainOutcome, type TrainSpec } from '../../../core/classify/train-mood-model.ts';
import { saveTrainedModel } from '../../../io/save-trained-model.ts';
import { addIngestOptions, describeIngest, ingest, ingestSummary, type IngestFlags } from '../common.ts';
import { action, parseNumberFlag, printJson } from '../run-action.ts';
import { noteDeprecated } from '../shared-flags.ts';
import { createLogger, createProgress } from '../progress.ts';
import { formatClassificationReport } from '../../../core/evaluate/metrics.ts';
import { defaultFoldThreads } from '../../parallel/fold-runner.ts';
import { workerRuntime } from '../../parallel/worker-runtime.ts';
import { addMultiSetOptions, loadLabelledSets, multiSetSpecFromFlags, type MultiSetFlags } from '../labelled-sets.ts';
import { trainOnSets, trainOnSetsMetrics } from '../../../core/classify/train-on-sets.ts';
import { saveSetsModel } from '../../../io/save-trained-model.ts';
import { formatTransfer } from './evaluate-transfer.ts';

interface TrainFlags extends IngestFlags, Omit<MultiSetFlags, 'classifier'> {
  moods?: string;
  map?: string;
  label?: string;
  fromClusters?: boolean;
  k?: string;
  method?: string;
  classifier?: string;
  /** Deprecated spelling of --classifier. */
  model?: string;
  seeds?: string;
  cv: string;
  repeats?: string;
  features?: string;
  epochs?: string;
  batchSize?: string;
  earlyStopping?: string;
  seed: string;
  uncertainBelow?: string;
  calibrate?: boolean;
  out: string;
  json?: boolean;
  quiet?: boolean;
  threads?: string;
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('train a mood classifier on a label column (human or playlist moods) or on K-Means clusters, and save it')
    .argument('<csv...>', 'track CSV with audio features; several labelled CSVs train one model on all of them (labels mapped by the mood taxonomy, partial labels, leave-one-set-out scores)')
    .option('--label <column>', 'column holding the mood labels')
    .option('--from-clusters', "train on K-Means cluster moods (the original pipeline's set-up)")
    .option('--k <k>', 'clusters for --from-clusters: 2..10 or auto', '4')
    .option('--method <method>', 'clustering for --from-clusters: kmeans or gmm', 'kmeans')
    .option('--classifier <kind>', 'ensemble (logistic regression + network seeds, averaged), mlp or logreg (default: ensemble on one CSV, logreg on several)')
    .option('--model <kind>', '(deprecated: --classifier; --model names a model directory in every other command)')
    .option('--seeds <n>', 'networks in the ensemble (default 3)')
    .option('--cv <folds>', 'stratified k-fold cross-validation folds (0 = one 80/20 holdout)', '5')
    .option('--repeats <n>', 'repeat the cross-validation with different seeds; mean ± std over all folds', '1')
    .option('--features <list>', 'comma-separated features (audio and engineered), default: every audio feature present')
    .option('--epochs <n>', 'network training epochs (default 50)')
    .option('--batch-size <n>', 'network batch size (default 16)')
    .option('--early-stopping <mode>', 'network early stopping on a 10 % validation split: auto (patience 5, only above 10,000 training rows), off, or a patience in epochs (default auto)')
    .option('--seed <n>', 'random seed', '0')
    .option('--uncertain-below <p>', 'tracks whose top mood probability is below this are "uncertain"', '0.4')
    .option('--no-calibrate', 'do not fit a temperature on the held-out predictions')
    .option('--threads <n>', `worker threads for the k sweep, the K-Means restarts, the Gaussian mixture and the cross-validation folds (1 = in-process; same results either way; default ${defaultFoldThreads()})`)
    .requiredOption('--out <dir>', 'model directory to write')
    .option('--json', 'print machine-readable results')
    .option('--quiet', 'no progress or status on stderr');
  addIngestOptions(addMultiSetOptions(cmd)).action(action(async (files: string[], flags: TrainFlags) => {
    if (Boolean(flags.label) === Boolean(flags.fromClusters)) throw new InputError('give exactly one of --label COLUMN or --from-clusters');
    if (files.length > 1) return trainSeveral(files, flags);
    if (flags.moods !== undefined || flags.setWeights !== undefined || flags.classBalance === false || flags.partialLabels === false) {
      throw new InputError('--moods, --set-weights, --no-class-balance and --no-partial-labels apply when training on several CSVs');
    }
    const csv = files[0];
    const quiet = Boolean(flags.quiet || flags.json);
    const log = createLogger(quiet);
    const spec = trainSpecFromFlags(flags);
    const input = await ingest(csv, flags, { quiet });
    for (const line of describeIngest(input)) log(line);
    const progress = createProgress({ quiet });
    const threads = flags.threads === undefined ? defaultFoldThreads() : parseNumberFlag('threads', flags.threads, { integer: true, min: 1, max: 64 });
    const outcome = trainMoodModel(input.table, spec, (e) => {
      if (e.total) { if (e.done === 1) progress.start(e.total, e.stage); progress.update(e.done ?? 0); }
      else { progress.stop(); log(`… ${e.stage}`); }
    }, workerRuntime(threads));
    progress.stop();
    const metrics = trainMetrics(outcome);
    await saveTrainedModel(flags.out, outcome, { trainingFile: csv, extra: { ingest: ingestSummary(input) } });
    if (flags.json) {
      printJson({ ...metrics, droppedUnlabelled: outcome.droppedUnlabelled, out: flags.out });
      return;
    }
    process.stdout.write(formatTrainOutcome(outcome).join('\n') + `\nmodel written to ${flags.out}\n`);
  }));
}

/** `train a.csv b.csv … --label mood`: one model on every set (trainOnSets), saved with its leave-one-set-out scores. */
async function trainSeveral(files: string[], flags: TrainFlags): Promise<void> {
  if (!flags.label) throw new InputError('training on several CSVs needs --label COLUMN (--from-clusters takes one CSV)');
  const quiet = Boolean(flags.quiet || flags.json);
  const log = createLogger(quiet);
  const spec = multiSetSpecFromFlags({ ...flags, classifier: flags.model ?? flags.classifier });
  const seed = parseNumberFlag('seed', flags.seed, { integer: true, min: 0 });
  const uncertainBelow = parseNumberFlag('uncertain-below', flags.uncertainBelow ?? '0.4', { min: 0, max: 1 });
  const { sets, classes, lines } = await loadLabelledSets(files, { ...flags, label: flags.label }, { quiet });
  for (const l of lines) log(l);
  const outcome = trainOnSets(sets, classes, { spec, seed, uncertainBelow, calibrate: flags.calibrate !== false, onStage: (s) => log(`… ${s}`) });
  await saveSetsModel(flags.out, outcome, { trainingFiles: files, column: flags.label.toLowerCase(), spec });
  if (flags.json) return printJson({ ...trainOnSetsMetrics(outcome, spec), out: flags.out });
  const d = outcome.fit.pooled.dedupe, c = outcome.calibration, f3 = (v: number) => v.toFixed(3);
  const out = [
    `classes: ${classes.join(', ')}; ${outcome.fit.pooled.table.rowCount} tracks from ${sets.length} sets (${d.perSet.map((p) => `${p.name} ${p.kept}, weight ${f3(p.weight)}`).join('; ')})`,
    `deduplicated across sets: ${d.duplicatesById} by id, ${d.duplicatesByFeatures} by identical features; ${d.conflicts} conflicting labels (kept: a track in two moods' playlists)`,
    `model: ${outcome.model.options.model}, partial labels ${spec.partialLabels === false ? 'off' : 'on'}; features: ${outcome.model.featureNames.join(', ')}`,
    ...formatTransfer(outcome.transfer),
    `calibration (leave-one-set-out predictions, 10-bin ECE / Brier): raw ${f3(c.ece.raw)} / ${f3(c.brier.raw)}, temperature-scaled ${f3(c.ece.calibrated)} / ${f3(c.brier.calibrated)} (T = ${c.temperature.toFixed(3)})`,
    `model written to ${flags.out}`,
  ];
  process.stdout.write(out.join('\n') + '\n');
}

/** The human-readable train report: scores with baselines, calibration, uncertain count, warnings. */
export function formatTrainOutcome(outcome: TrainOutcome): string[] {
  const out: string[] = [];
  const f3 = (v: number) => v.toFixed(3);
  const ms = (m: { mean: number; std: number }) => `${f3(m.mean)} ± ${f3(m.std)}`;
  if (outcome.droppedUnlabelled) out.push(`${outcome.droppedUnlabelled} rows without a label were left out`);
  out.push(`classes: ${outcome.target.classes.join(', ')}`);
  out.push(`model: ${describeModel(outcome)}; features: ${outcome.model.featureNames.join(', ')}`);
  const cv = outcome.cv, h = outcome.holdout;
  if (cv) {
    const b = cv.baselines;
    const what = cv.repeats > 1 ? `${cv.folds}-fold stratified CV × ${cv.repeats} repeats (${cv.folds * cv.repeats} folds)` : `${cv.folds}-fold stratified CV`;
    out.push(`${what}:`);
    out.push(`  model                accuracy ${ms(cv.accuracy)}, macro-F1 ${ms(cv.macroF1)}`);
    if (b.logreg) out.push(`  logistic regression  accuracy ${ms(b.logreg.accuracy)}, macro-F1 ${ms(b.logreg.macroF1)}`);
    out.push(`  majority class       accuracy ${ms(b.majority.accuracy)}, macro-F1 ${ms(b.majority.macroF1)}`);
    const c = cv.calibration;
    out.push(`calibration (out-of-fold, 10-bin ECE / Brier): raw ${f3(c.ece.raw)} / ${f3(c.brier.raw)}, temperature-scaled ${f3(c.ece.calibrated)} / ${f3(c.brier.calibrated)} (T = ${c.temperature.toFixed(3)}, cross-fitted per fold)`);
    out.push(uncertainLine(cv.uncertain));
    out.push(formatClassificationReport(cv.report));
  } else if (h) {
    out.push(`80/20 holdout (${h.testSize} tracks):`);
    out.push(`  model                accuracy ${f3(h.accuracy)}, macro-F1 ${f3(h.macroF1)}`);
    out.push(`  logistic regression  accuracy ${f3(h.baselines.logreg.accuracy)}, macro-F1 ${f3(h.baselines.logreg.macroF1)}`);
    out.push(`  majority class       accuracy ${f3(h.baselines.majority.accuracy)}, macro-F1 ${f3(h.baselines.majority.macroF1)}`);
    const c = h.calibration;
    out.push(`calibration (holdout, 10-bin ECE / Brier): raw ${f3(c.ece.raw)} / ${f3(c.brier.raw)}, temperature-scaled ${f3(c.ece.calibrated)} / ${f3(c.brier.calibrated)} (T = ${c.temperature.toFixed(3)})`);
    out.push(uncertainLine(h.uncertain));
    out.push(formatClassificationReport(h.report));
  }
  for (const w of outcome.warnings) out.push(`warning: ${w}`);
  return out;
}

function uncertainLine(u: { threshold: number; count: number; fraction: number; accuracyWhenCertain: number }): string {
  return `uncertain (top probability < ${u.threshold}): ${u.count} (${(u.fraction * 100).toFixed(1)}%)` +
    (Number.isNaN(u.accuracyWhenCertain) ? '' : `; accuracy on the rest ${u.accuracyWhenCertain.toFixed(3)}`);
}

function describeModel(o: TrainOutcome): string {
  const m = o.model.options;
  if (m.model !== 'ensemble') return m.model;
  const members = (m.classifierOptions.members as { kind: string; seeds?: number; weight?: number }[]) ?? [];
  return `ensemble of ${members.map((x) => (x.seeds && x.seeds > 1 ? `${x.seeds}× ${x.kind}` : x.kind)).join(' + ')} (probabilities averaged)`;
}

function parseEarlyStopping(value: string): 'auto' | null | { patience: number; validationFraction: number } {
  if (value === 'auto') return 'auto';
  if (value === 'off') return null;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InputError(`--early-stopping must be auto, off or a patience (an integer ≥ 1), got "${value}"`);
  return { patience: Number(value), validationFraction: 0.1 };
}

export function trainSpecFromFlags(flags: TrainFlags): TrainSpec {
  if (flags.model !== undefined) noteDeprecated(`train --model ${flags.model}`, `--classifier ${flags.model}`);
  const kind = flags.model ?? flags.classifier ?? 'ensemble';
  const model = kind as ClassifierKind;
  if (model !== 'mlp' && model !== 'logreg' && model !== 'ensemble') throw new InputError(`--classifier must be ensemble, mlp or logreg, got "${kind}"`);
  const cv = parseNumberFlag('cv', flags.cv, { integer: true, min: 0, max: 100 });
  if (cv === 1) throw new InputError('--cv must be 0 (holdout) or at least 2 folds');
  const repeats = parseNumberFlag('repeats', flags.repeats ?? '1', { integer: true, min: 1, max: 100 });
  if (repeats > 1 && cv === 0) throw new InputError('--repeats needs --cv of at least 2 folds');
  const seed = parseNumberFlag('seed', flags.seed, { integer: true, min: 0 });
  const uncertainBelow = parseNumberFlag('uncertain-below', flags.uncertainBelow ?? '0.4', { min: 0, max: 1 });
  const mlpOptions: Record<string, unknown> = {};
  if (flags.epochs !== undefined) mlpOptions.epochs = parseNumberFlag('epochs', flags.epochs, { integer: true, min: 1 });
  if (flags.batchSize !== undefined) mlpOptions.batchSize = parseNumberFlag('batch-size', flags.batchSize, { integer: true, min: 1 });
  if (flags.earlyStopping !== undefined) mlpOptions.earlyStopping = parseEarlyStopping(flags.earlyStopping);
  if (model === 'logreg' && Object.keys(mlpOptions).length) throw new InputError('--epochs, --batch-size and --early-stopping apply to networks (--classifier mlp or ensemble) only');
  if (flags.seeds !== undefined && model !== 'ensemble') throw new InputError('--seeds applies to --classifier ensemble only');
  let classifierOptions: Record<string, unknown> = mlpOptions;
  if (model === 'ensemble') {
    const seeds = flags.seeds !== undefined ? parseNumberFlag('seeds', flags.seeds, { integer: true, min: 1, max: 50 }) : undefined;
    classifierOptions = {
      members: DEFAULT_ENSEMBLE_MEMBERS.map((m) => m.kind === 'mlp'
        ? { ...m, ...(seeds ? { seeds } : {}), options: mlpOptions }
        : { ...m }),
    };
  }
  const features = flags.features ? parseFeatureList(flags.features.split(',')) : undefined;
  let target: TrainSpec['target'];
  if (flags.label) target = { type: 'label', column: flags.label.toLowerCase() };
  else {
    const k = flags.k === 'auto' || flags.k === undefined ? 'auto' : parseNumberFlag('k', flags.k, { integer: true, min: 2, max: 10 });
    const method = flags.method ?? 'kmeans';
    if (method !== 'kmeans' && method !== 'gmm') throw new InputError(`--method must be kmeans or gmm, got "${method}"`);
    target = { type: 'clusters', k, method };
  }
  return {
    target,
    classifier: { model, classifierOptions, ...(features ? { features } : {}) },
    cv, seed, repeats, uncertainBelow,
    calibrate: flags.calibrate !== false,
  };
}
