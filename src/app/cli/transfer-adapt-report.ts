/**
 * The leave-one-set-out figures of prior shift, learning from corrections and mood playlists, as
 * the markdown tables README quotes (`evaluate-transfer --prior-shift`, `--learning-curve`, and
 * `evaluate-recs --leave-one-set-out`).
 */
import type { LabelledSet } from '../../core/data/labelled-sets.ts';
import { evaluateTransfer, type EvaluateTransferOptions, type TransferResult } from '../../core/evaluate/transfer.ts';
import type { LearningCurve, PrecisionAtK } from '../../core/evaluate/transfer-adapt.ts';
import { PriorShiftEM } from '../../core/tag/prior-shift.ts';

const f3 = (v: number) => v.toFixed(3);
const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`;

export interface PriorShiftComparison {
  readonly off: TransferResult;
  readonly auto: TransferResult;
  /** The EM's estimate of each left-out set's mix, in class order. */
  readonly estimated: Readonly<Record<string, readonly number[]>>;
}

/** The same folds scored twice: as the model gives them, and after the EM prior shift on the left-out set. */
export function comparePriorShift(sets: readonly LabelledSet[], options: EvaluateTransferOptions, off: TransferResult): PriorShiftComparison {
  const estimated: Record<string, number[]> = {};
  const auto = evaluateTransfer(sets, {
    ...options,
    postprocess: (proba, ctx) => {
      const shift = new PriorShiftEM().fit(proba, ctx.trainPriors);
      estimated[ctx.set.name] = Array.from(shift.priors);
      return shift.transform(proba);
    },
  });
  return { off, auto, estimated };
}

export function formatPriorShift(c: PriorShiftComparison): string[] {
  const classes = c.off.classes;
  const out = ['', 'prior shift (EM of Saerens et al. 2002 on each left-out set) — macro-F1 over the moods each set labels:', '',
    `| set | F1 off | F1 auto | acc off | acc auto | true mix (${classes.join(' / ')}) | estimated mix |`, '|---|---:|---:|---:|---:|---|---|'];
  c.off.folds.forEach((f, i) => {
    const a = c.auto.folds[i];
    const mix = (p: readonly number[]) => p.map((v) => v.toFixed(2)).join(' / ');
    const support = classes.map((_, k) => f.report.classes[k].support);
    const total = support.reduce((s, v) => s + v, 0);
    out.push(`| ${f.set} | ${f3(f.macroF1)} | ${f3(a.macroF1)} | ${f3(f.accuracy)} | ${f3(a.accuracy)} | ${mix(support.map((v) => v / total))} | ${mix(c.estimated[f.set] ?? [])} |`);
  });
  out.push(`| **mean** | **${f3(c.off.mean.macroF1)}** | **${f3(c.auto.mean.macroF1)}** | ${f3(c.off.mean.accuracy)} | ${f3(c.auto.mean.accuracy)} | | |`);
  return out;
}

export function formatLearningCurve(lc: LearningCurve): string[] {
  const out = ['', `learning from corrections — macro-F1 on the rest of each left-out set after adapting to n corrections drawn from it (mean of ${lc.draws} seeded draws; gain over the unadapted model on the same rows):`, ''];
  out.push(`| set | tracks | unadapted | ${lc.sizes.map((n) => `n = ${n}`).join(' | ')} |`, `|---|---:|---:|${lc.sizes.map(() => '---:').join('|')}|`);
  for (const f of lc.folds) out.push(`| ${f.set} | ${f.rows} | ${f3(f.unadapted)} | ${f.points.map((p) => `${f3(p.meanMacroF1)} (${signed(p.meanGain)})`).join(' | ')} |`);
  out.push(`| **mean** | | ${f3(lc.meanUnadapted)} | ${lc.mean.map((p) => `**${f3(p.macroF1)} (${signed(p.gain)})**`).join(' | ')} |`);
  return out;
}

export function formatPrecisionAtK(results: readonly PrecisionAtK[]): string[] {
  const [first] = results;
  const out = ['', `mood playlists on a catalogue the model never saw — precision@${first.k} per mood on each left-out set (share of the ${first.k} tracks labelled with that mood; base rate = the mood's share of the set)${results.length > 1 ? `; prior shift ${results.map((r) => r.priorShift).join(' / ')}` : ''}:`, ''];
  out.push('| set | mood | base rate | ' + results.map((r) => `P@${r.k} ${results.length > 1 ? r.priorShift : ''}`.trim()).join(' | ') + ' |', '|---|---|---:|' + results.map(() => '---:').join('|') + '|');
  first.folds.forEach((f, i) => {
    f.moods.forEach((m, j) => {
      out.push(`| ${f.set} | ${m.mood} | ${f3(m.baseRate)} | ${results.map((r) => { const x = r.folds[i].moods[j]; return f3(x.precision) + (x.returned < r.k ? ` (${x.returned} tracks)` : ''); }).join(' | ')} |`);
    });
  });
  out.push(`| **mean** | | ${f3(first.meanBaseRate)} | ${results.map((r) => `**${f3(r.meanPrecision)}**`).join(' | ')} |`);
  return out;
}
