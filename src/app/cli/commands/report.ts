import type { Command } from 'commander';
import { encodeLabels } from '../../../core/classify/mood-classifier.ts';
import { modelReportParts, tableFeatures } from '../../../core/report/from-model.ts';
import type { ReportInput } from '../../../core/report/report-data.ts';
import { loadMoodModel } from '../../../io/mood-model-dir.ts';
import { writeReport } from '../../../io/report/write-report.ts';
import { addIngestOptions, ingest, type IngestFlags } from '../common.ts';
import { createLogger } from '../progress.ts';
import { action, printJson } from '../run-action.ts';

interface ReportFlags extends IngestFlags {
  model?: string;
  out: string;
  png?: string;
  label?: string;
  json?: boolean;
  quiet?: boolean;
}

interface MeanStdJson { mean: number; std: number; perFold: number[] }

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description('write a self-contained HTML report (charts, model quality, explanations) for a track CSV')
    .argument('<csv>', 'track CSV with audio features')
    .option('--model <dir>', 'model directory written by train: adds moods, quality, importance and explanations')
    .requiredOption('--out <file>', 'HTML file to write')
    .option('--png <dir>', 'also write every chart as a PNG into this directory')
    .option('--label <column>', 'column holding true moods, if any', 'mood')
    .option('--json', 'print what was written as JSON')
    .option('--quiet', 'no status on stderr');
  addIngestOptions(cmd).action(action(async (csv: string, flags: ReportFlags) => {
    const quiet = Boolean(flags.quiet || flags.json);
    const log = createLogger(quiet);
    const { table, report } = await ingest(csv, flags, { quiet });
    const labelCol = flags.label ?? 'mood';
    const labels = table.text[labelCol];
    const labelCounts: Record<string, number> = {};
    if (labels) for (const l of labels) if (l) labelCounts[l] = (labelCounts[l] ?? 0) + 1;
    const titleOf = (i: number) => [table.text.name?.[i], table.text.artist?.[i]].filter(Boolean).join(' — ') || table.text.id?.[i] || `row ${i + 1}`;
    const input: ReportInput = {
      title: `moodscape report: ${report.file.split('/').pop()}`,
      dataset: { ...report, labelColumn: labels ? labelCol : undefined, labelCounts: labels ? labelCounts : undefined },
      features: tableFeatures(table),
      moods: labels,
    };
    if (flags.model) {
      log(`explaining with the model in ${flags.model} …`);
      const { model, info } = await loadMoodModel(flags.model);
      input.subtitle = `model: ${String(info.metrics?.model ?? 'mood classifier')} from ${flags.model}`;
      const X = model.featureMatrix(table);
      let y: Int32Array | undefined;
      if (labels && labels.every((l) => model.classes.includes(l))) y = encodeLabels(labels, model.classes).y;
      const parts = modelReportParts(model, X, { y, titleOf });
      input.moodMap = parts.moodMap;
      input.explanations = parts.explanations;
      input.importance = parts.importance;
      if (!labels) input.moods = parts.predicted;
      const cv = info.metrics?.cv as { accuracy?: MeanStdJson; macroF1?: MeanStdJson; confusion?: number[][] } | undefined;
      if (cv?.accuracy?.perFold?.length) {
        const counts = Object.values(labelCounts);
        input.cv = {
          accuracy: cv.accuracy.perFold,
          macroF1: cv.macroF1?.perFold,
          model: String(info.metrics?.model ?? ''),
          baseline: counts.length ? Math.max(...counts) / counts.reduce((a, b) => a + b, 0) : undefined,
          histories: Array.isArray(info.metrics?.history) ? [info.metrics.history as { epoch: number; loss: number }[]] : undefined,
        };
      }
      if (cv?.confusion) input.confusion = { classes: model.classes, matrix: cv.confusion, note: 'Out-of-fold predictions from training-time cross-validation, against the true moods.' };
    }
    const r = await writeReport(input, flags.out, { pngDir: flags.png });
    for (const e of r.errors) log(`warning: chart ${e.id} could not be drawn: ${e.message}`);
    if (flags.json) return printJson(r);
    log(`wrote ${flags.out} (${(r.bytes / 1024).toFixed(0)} KiB, ${r.charts} charts${r.pngs.length ? `, ${r.pngs.length} PNGs in ${flags.png}` : ''})`);
  }));
}
