import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import { evaluateTransfer, type TransferFold, type TransferResult } from '../../../core/evaluate/transfer.ts';
import { formatClassificationReport } from '../../../core/evaluate/metrics.ts';
import { addIngestOptions } from '../common.ts';
import { addMultiSetOptions, loadLabelledSets, multiSetSpecFromFlags, type LabelledSetFlags, type MultiSetFlags } from '../labelled-sets.ts';
import { createLogger } from '../progress.ts';
import { action, parseNumberFlag, printJson } from '../run-action.ts';

interface EvaluateTransferFlags extends LabelledSetFlags, MultiSetFlags {
  seed: string;
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
    const result = evaluateTransfer(sets, { classes, spec, seed, onFold: (done, total, set) => log(`… left out ${set} (${done}/${total})`) });
    if (flags.json) return printJson({ spec, ...result });
    process.stdout.write(formatTransfer(result, Boolean(flags.perClass)).join('\n') + '\n');
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
