import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import { evaluateTransfer, type TransferFold, type TransferResult } from '../../../core/evaluate/transfer.ts';
import { formatClassificationReport } from '../../../core/evaluate/metrics.ts';
import { addIngestOptions } from '../common.ts';
import { addMultiSetOptions, loadLabelledSets, multiSetSpecFromFlags, type LabelledSetFlags, type MultiSetFlags } from '../labelled-sets.ts';
import { createLogger } from '../progress.ts';
import { correctionLearningCurve, leftOutFolds } from '../../../core/evaluate/transfer-adapt.ts';
import { comparePriorShift, formatLearningCurve, formatPriorShift } from '../transfer-adapt-report.ts';
import { action, parseNumberFlag, printJson } from '../run-action.ts';

interface EvaluateTransferFlags extends LabelledSetFlags, MultiSetFlags {
  seed: string;
  priorShift?: boolean;
  learningCurve?: string | boolean;
  json?: boolean;
  quiet?: boolean;
  perClass?: boolean;
}

export function registerEvaluateTransfer(program: Command): void {
  const cmd = program
    .command('evaluate-transfer')
    .description('leave-one-set-out: for each labelled set, train on the others, drop the shared tracks, and score the set left out (macro-F1 over its own moods)')
    .argument('<csv...>', 'two or more labelled track CSVs (their labels mapped by the mood taxonomy)')
    .requiredOption('--label <column>', 'column holding the moods')
    .option('--classifier <kind>', 'logreg (default), mlp or ensemble')
    .option('--seed <n>', 'random seed', '0')
    .option('--per-class', 'print the per-class report of every left-out set')
    .option('--prior-shift', 'also score each left-out set after the prior shift (EM on that set\'s probabilities), beside the plain scores')
    .option('--learning-curve [sizes]', 'also adapt each fold\'s model to n corrections drawn from the left-out set (5 seeded draws per n; default sizes 10,25,50,100) and score the rest of the set')
    .option('--json', 'print machine-readable results')
    .option('--quiet', 'no status on stderr');
  addIngestOptions(addMultiSetOptions(cmd)).action(action(async (files: string[], flags: EvaluateTransferFlags) => {
    const quiet = Boolean(flags.quiet || flags.json);
    const log = createLogger(quiet);
    const seed = parseNumberFlag('seed', flags.seed, { integer: true, min: 0 });
    const spec = multiSetSpecFromFlags(flags);
    if (files.length < 2) throw new InputError('evaluate-transfer needs at least two labelled CSVs');
    const { sets, classes, lines } = await loadLabelledSets(files, flags, { quiet });
    for (const l of lines) log(l);
    const sizes = flags.learningCurve === undefined ? undefined : parseSizes(flags.learningCurve);
    const result = evaluateTransfer(sets, { classes, spec, seed, onFold: (done, total, set) => log(`… left out ${set} (${done}/${total})`) });
    const priorShift = flags.priorShift ? comparePriorShift(sets, { classes, spec, seed }, result) : undefined;
    let learningCurve;
    if (sizes) {
      log('… learning curve: adapting each fold\'s model to corrections from its left-out set');
      learningCurve = correctionLearningCurve(leftOutFolds(sets, classes, spec, seed), classes, { sizes, seed });
    }
    if (flags.json) {
      return printJson({
        spec, ...result,
        ...(priorShift ? { priorShift: { auto: priorShift.auto, estimatedMix: priorShift.estimated } } : {}),
        ...(learningCurve ? { learningCurve } : {}),
      });
    }
    const table = formatTransfer(result, Boolean(flags.perClass));
    if (priorShift) table.push(...formatPriorShift(priorShift));
    if (learningCurve) table.push(...formatLearningCurve(learningCurve));
    process.stdout.write(table.join('\n') + '\n');
  }));
}

/** The leave-one-set-out table: one row per left-out set, then the mean. */
export function formatTransfer(r: TransferResult, perClass = false): string[] {
  const f3 = (v: number) => v.toFixed(3);
  const out = [`leave-one-set-out over ${r.folds.length} sets; moods ${r.classes.join(', ')}; features ${r.features.join(', ')}`];
  out.push('macro-F1 over the moods each set labels (a prediction outside them counts wrong):');
  const head = ['set', 'moods', 'tracks', 'overlap', 'model F1', 'model acc', 'logreg F1', 'balanced F1', 'majority F1'];
  const rows = r.folds.map((f: TransferFold) => [f.set, String(f.moods.length), String(f.rows), String(f.overlapRemoved.total), f3(f.macroF1), f3(f.accuracy),
    f3(f.baselines.logreg.macroF1), f3(f.baselines.logregBalanced.macroF1), f3(f.baselines.majority.macroF1)]);
  const m = r.mean;
  rows.push(['mean', '', '', '', f3(m.macroF1), f3(m.accuracy), f3(m.baselines.logreg.macroF1), f3(m.baselines.logregBalanced.macroF1), f3(m.baselines.majority.macroF1)]);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((x) => x[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  out.push(line(head), ...rows.map(line));
  if (perClass) for (const f of r.folds) out.push('', `${f.set} (left out):`, formatClassificationReport(f.report));
  return out;
}

/** `--learning-curve` alone → the default sizes; `--learning-curve 10,50` → those. */
function parseSizes(v: string | boolean): number[] | undefined {
  if (v === true) return [10, 25, 50, 100];
  return String(v).split(',').map((x) => parseNumberFlag('learning-curve', x.trim(), { integer: true, min: 1 }));
}
