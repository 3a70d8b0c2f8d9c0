import type { Command } from 'commander';
import { constantScores } from '../../../core/evaluate/baselines.ts';
import { brierScore, expectedCalibrationError } from '../../../core/classify/calibration.ts';
import { InputError } from '../../../core/common/errors.ts';
import { findOverlap, overlapWarning, type OverlapResult } from '../../../core/evaluate/leakage.ts';
import { formatLabelMap, mapLabels, parseLabelMap } from '../../../core/data/label-map.ts';
import { taxonomyLabelMap, taxonomySetFor } from '../../../core/data/mood-taxonomy.ts';
import { accuracy, classificationReport, formatClassificationReport, macroF1 } from '../../../core/evaluate/metrics.ts';
import { argmaxRows } from '../../../core/common/matrix.ts';
import { selectRows } from '../../../core/data/track-table.ts';
import { summarizeUncertain } from '../../../core/classify/uncertain.ts';
import { loadMoodModel } from '../../../io/mood-model-dir.ts';
import { addIngestOptions, describeIngest, ingest, type IngestFlags } from '../common.ts';
import { createLogger } from '../progress.ts';
import { action, parseNumberFlag, printJson } from '../run-action.ts';
import { requireModelAndCsv } from '../shared-flags.ts';

interface EvaluateFlags extends IngestFlags {
  model?: string;
  label: string;
  map?: string;
  keepOverlap?: boolean;
  uncertainBelow?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerEvaluate(program: Command): void {
  const cmd = program
    .command('evaluate')
    .description('score a saved model against labelled tracks, beside the majority-class and logistic-regression baselines')
    .argument('[csv]', 'labelled track CSV')
    .argument('[legacyCsv]', '(deprecated: the old "evaluate MODEL CSV" order)')
    .option('--model <dir>', 'model directory written by train')
    .requiredOption('--label <column>', 'column holding the true moods')
    .option('--map <pairs>', "map this file's labels onto the model's classes: happy=Happy,sad=Sad,… (unmapped labels are reported, not scored)")
    .option('--keep-overlap', 'also score tracks that are in the training set (by id or identical features); default: leave them out')
    .option('--uncertain-below <p>', "top probability below which a track counts as uncertain (default: the model's)")
    .option('--json', 'print machine-readable results')
    .option('--quiet', 'no status on stderr');
  addIngestOptions(cmd).action(action(async (first: string | undefined, second: string | undefined, flags: EvaluateFlags) => {
    const { modelDir, csv } = requireModelAndCsv('evaluate', 'evaluate labelled.csv --model DIR --label COLUMN', flags.model, first, second);
    const quiet = Boolean(flags.quiet || flags.json);
    const log = createLogger(quiet);
    const { model, baseline, trainingIndex, info } = await loadMoodModel(modelDir);
    let labelMap = flags.map !== undefined ? parseLabelMap(flags.map) : undefined;
    const uncertainBelow = flags.uncertainBelow !== undefined ? parseNumberFlag('uncertain-below', flags.uncertainBelow, { min: 0, max: 1 }) : model.uncertainBelow;
    const input = await ingest(csv, flags, { quiet });
    for (const line of describeIngest(input)) log(line);
    const column = flags.label.toLowerCase();
    const labels = input.table.text[column];
    if (!labels) throw new InputError(`no label column "${flags.label}"`, { file: csv, column: flags.label });
    let mapped = mapLabels(labels, model.classes, labelMap);
    if (mapped.keep.length === 0 && !labelMap) {
      // No label names a class (e.g. skerjanec's lower-case moods against the built-in model): the mood taxonomy maps them.
      const fromTaxonomy = new Map([...taxonomyLabelMap(labels, { ...(taxonomySetFor(csv) ? { set: taxonomySetFor(csv)! } : {}) })].filter(([, mood]) => model.classes.includes(mood)));
      if (fromTaxonomy.size) {
        labelMap = fromTaxonomy;
        mapped = mapLabels(labels, model.classes, labelMap);
        log(`labels mapped by the mood taxonomy (moodscape moods --taxonomy): ${formatLabelMap(labelMap)}`);
      }
    }
    if (mapped.keep.length === 0) {
      throw new InputError(`none of the labels in "${flags.label}" map to classes of this model (${model.classes.join(', ')}); found ${Object.keys(mapped.unmapped).join(', ')}${labelMap ? '' : ' (use --map label=Class,…)'}`, { file: csv, column: flags.label });
    }
    let table = selectRows(input.table, mapped.keep);
    let yTrue = mapped.y;
    const warnings: string[] = [];

    // Overlap with the training set: by id, and by identical features.
    let overlap: OverlapResult | undefined;
    let dedup = { removed: 0, byId: 0, byFeatures: 0, scoredOverlap: false };
    if (!trainingIndex) {
      warnings.push('this model directory has no training-set index (trained by an older moodscape), so overlap with the training set could not be checked');
    } else {
      overlap = findOverlap(table, trainingIndex);
      const all = overlap.keep.length === 0;
      const remove = !flags.keepOverlap && !all;
      const w = overlapWarning(overlap, remove);
      if (w) warnings.push(w);
      if (all && !flags.keepOverlap) {
        warnings.push(`every one of the ${table.rowCount} labelled tracks is in the model's training set: these are training-set scores, not an estimate of how the model does on new tracks`);
      }
      if (remove && overlap.overlapping > 0) {
        table = selectRows(table, overlap.keep);
        yTrue = Int32Array.from(overlap.keep, (i) => mapped.y[i]);
      }
      dedup = {
        removed: remove ? overlap.overlapping : 0,
        byId: overlap.sharedIds,
        byFeatures: overlap.identicalRows,
        scoredOverlap: !remove && overlap.overlapping > 0,
      };
    }

    const missing = model.missingInputs(table);
    if (missing.length) log(`warning: ${csv} lacks ${missing.join(', ')}; the model uses the training average for ${missing.length === 1 ? 'it' : 'them'}`);
    const K = model.classes.length;
    const proba = model.predictProba(table);
    const raw = model.temperature === 1 ? proba : model.predictProbaUncalibrated(model.featureMatrix(table));
    const yPred = argmaxRows(proba);
    const report = classificationReport(yTrue, yPred, model.classes);
    const majority = (info.metrics as { majorityClass?: string }).majorityClass;
    const majorityIndex = majority !== undefined ? model.classes.indexOf(majority) : -1;
    const baselines: Record<string, { accuracy: number; macroF1: number; class?: string }> = {};
    if (majorityIndex >= 0) baselines.majority = { ...constantScores(yTrue, majorityIndex, K), class: majority };
    if (baseline) {
      const bp = baseline.predict(table);
      baselines.logreg = { accuracy: accuracy(yTrue, bp), macroF1: macroF1(yTrue, bp, K) };
    }
    const present = [...new Set(yTrue)].sort();
    const result = {
      rows: table.rowCount,
      accuracy: accuracy(yTrue, yPred),
      macroF1: macroF1(yTrue, yPred, K),
      /** Macro-F1 over the classes that occur in this file only (a mapped set may lack some of the model's classes). */
      macroF1PresentClasses: macroF1Present(report.classes, present),
      classes: model.classes,
      confusion: report.confusion,
      perClass: report.classes,
      baselines,
      calibration: {
        temperature: model.temperature,
        ece: { raw: expectedCalibrationError(raw, yTrue, 10), calibrated: expectedCalibrationError(proba, yTrue, 10) },
        brier: { raw: brierScore(raw, yTrue), calibrated: brierScore(proba, yTrue) },
      },
      uncertain: summarizeUncertain(proba, uncertainBelow, yTrue),
      labelMap: labelMap ? Object.fromEntries(labelMap) : null,
      mappedLabels: mapped.mapped,
      unmappedLabels: mapped.unmapped,
      unmappedRows: mapped.unmappedRows,
      unlabelledRows: mapped.emptyRows,
      dedup,
      warnings,
    };
    if (flags.json) return printJson(result);
    const f3 = (v: number) => v.toFixed(3);
    const out = [`${result.rows} labelled tracks${labelMap ? ` (labels mapped: ${formatLabelMap(labelMap)})` : ''}:`];
    out.push(`  model                accuracy ${f3(result.accuracy)}, macro-F1 ${f3(result.macroF1)}${present.length < K ? ` (${f3(result.macroF1PresentClasses)} over the ${present.length} classes present)` : ''}`);
    if (baselines.logreg) out.push(`  logistic regression  accuracy ${f3(baselines.logreg.accuracy)}, macro-F1 ${f3(baselines.logreg.macroF1)}`);
    if (baselines.majority) out.push(`  majority class       accuracy ${f3(baselines.majority.accuracy)}, macro-F1 ${f3(baselines.majority.macroF1)} (always "${majority}")`);
    const c = result.calibration;
    out.push(`calibration (10-bin ECE / Brier): raw ${f3(c.ece.raw)} / ${f3(c.brier.raw)}, with the model's temperature ${f3(c.ece.calibrated)} / ${f3(c.brier.calibrated)} (T = ${c.temperature.toFixed(3)})`);
    const u = result.uncertain;
    out.push(`uncertain (top probability < ${u.threshold}): ${u.count} (${(u.fraction * 100).toFixed(1)}%)${Number.isNaN(u.accuracyWhenCertain) ? '' : `; accuracy on the rest ${f3(u.accuracyWhenCertain)}`}`);
    out.push(formatClassificationReport(report));
    if (mapped.unmappedRows) out.push(`labels not mapped to the model and left out: ${Object.entries(mapped.unmapped).map(([l, n]) => `${l} (${n})`).join(', ')}`);
    if (dedup.removed) out.push(`deduplicated against the training set: ${dedup.removed} tracks left out (${dedup.byId} by id, ${dedup.byFeatures} by identical features)`);
    for (const w of warnings) out.push(`warning: ${w}`);
    process.stdout.write(out.join('\n') + '\n');
  }));
}

function macroF1Present(rows: readonly { f1: number }[], present: readonly number[]): number {
  if (present.length === 0) return NaN;
  return present.reduce((s, k) => s + rows[k].f1, 0) / present.length;
}
