import type { Command } from 'commander';
import { InputError } from '../../../core/errors.ts';
import { accuracy, classificationReport, formatClassificationReport, macroF1 } from '../../../core/metrics.ts';
import { selectRows } from '../../../core/track-table.ts';
import { loadMoodModel } from '../../../io/mood-model-dir.ts';
import { addIngestOptions, describeIngest, ingest, type IngestFlags } from '../common.ts';
import { createLogger } from '../progress.ts';
import { action, printJson } from '../run-action.ts';

interface EvaluateFlags extends IngestFlags {
  label: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerEvaluate(program: Command): void {
  const cmd = program
    .command('evaluate')
    .description('score a saved model against labelled tracks')
    .argument('<modelDir>', 'model directory written by train')
    .argument('<csv>', 'labelled track CSV')
    .requiredOption('--label <column>', 'column holding the true moods')
    .option('--json', 'print machine-readable results')
    .option('--quiet', 'no status on stderr');
  addIngestOptions(cmd).action(action(async (modelDir: string, csv: string, flags: EvaluateFlags) => {
    const quiet = Boolean(flags.quiet || flags.json);
    const log = createLogger(quiet);
    const { model } = await loadMoodModel(modelDir);
    const input = await ingest(csv, flags, { quiet });
    for (const line of describeIngest(input)) log(line);
    const column = flags.label.toLowerCase();
    const labels = input.table.text[column];
    if (!labels) throw new InputError(`no label column "${flags.label}"`, { file: csv, column: flags.label });
    const classIndex = new Map(model.classes.map((c, i) => [c, i]));
    const keep: number[] = [];
    const unmapped = new Map<string, number>();
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i].trim();
      if (classIndex.has(l)) keep.push(i);
      else if (l !== '') unmapped.set(l, (unmapped.get(l) ?? 0) + 1);
    }
    if (keep.length === 0) {
      throw new InputError(`none of the labels in "${flags.label}" are classes of this model (${model.classes.join(', ')}); found ${[...unmapped.keys()].join(', ')}`, { file: csv, column: flags.label });
    }
    const table = selectRows(input.table, keep);
    const missing = model.missingInputs(table);
    if (missing.length) log(`warning: ${csv} lacks ${missing.join(', ')}; the model uses the training average for ${missing.length === 1 ? 'it' : 'them'}`);
    const yTrue = Int32Array.from(keep, (i) => classIndex.get(labels[i].trim())!);
    const yPred = model.predict(table);
    const report = classificationReport(yTrue, yPred, model.classes);
    const result = {
      rows: table.rowCount,
      accuracy: accuracy(yTrue, yPred),
      macroF1: macroF1(yTrue, yPred, model.classes.length),
      classes: model.classes,
      confusion: report.confusion,
      perClass: report.classes,
      unmappedLabels: Object.fromEntries(unmapped),
    };
    if (flags.json) return printJson(result);
    const out = [`${result.rows} labelled tracks: accuracy ${result.accuracy.toFixed(3)}, macro-F1 ${result.macroF1.toFixed(3)}`, formatClassificationReport(report)];
    if (unmapped.size) out.push(`labels not in the model and left out: ${[...unmapped].map(([l, n]) => `${l} (${n})`).join(', ')}`);
    process.stdout.write(out.join('\n') + '\n');
  }));
}
