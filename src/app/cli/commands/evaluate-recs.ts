/**
 * `moodscape evaluate-recs labelled.csv --model DIR --label mood`: precision@k and
 * nDCG@k of mood playlists against held-out labels, intra-list diversity, coverage and artist
 * repetition, at k = 10 and 20.
 *
 * `moodscape evaluate-recs --leave-one-set-out a.csv b.csv … --label mood`: the same playlists on
 * each labelled set with a model trained on the others (overlap removed), precision@k per mood,
 * with and without the prior shift.
 */
import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import { evaluateRecs, type EvalReport } from '../../../core/recommend/index.ts';
import { createLogger } from '../progress.ts';
import { action, parseNumberFlag, printJson } from '../run-action.ts';
import { addCatalogOptions, loadRecCatalog, openCatalogue, type CatalogFlags } from './recommend.ts';
import { catalogueSpec } from '../shared-flags.ts';
import { loadLabelledSets, multiSetSpecFromFlags, type MultiSetFlags } from '../labelled-sets.ts';
import { leftOutFolds, leftOutPrecisionAtK } from '../../../core/evaluate/transfer-adapt.ts';
import { PRIOR_SHIFT_MODES } from '../../../core/tag/tag-tracks.ts';
import { formatPrecisionAtK } from '../transfer-adapt-report.ts';

interface EvalRecsFlags extends CatalogFlags, MultiSetFlags {
  leaveOneSetOut?: string[];
  moods?: string;
  label: string;
  k: string;
  map?: string;
  lambda?: string;
  json?: boolean;
}

export function registerEvaluateRecs(program: Command): void {
  const cmd = program
    .command('evaluate-recs')
    .description('offline evaluation of mood playlists against held-out mood labels')
    .requiredOption('--label <column>', 'column with the held-out mood labels')
    .option('--k <list>', 'comma-separated cut-offs', '10,20')
    .option('--map <pairs>', 'model mood → label, e.g. "Energetic=angry,Calm=chill" (vocabularies that differ)')
    .option('--lambda <x>', 'diversity trade-off in [0, 1]', '0.7')
    .option('--json', 'print the full report as JSON')
    .option('--leave-one-set-out <csv...>', 'two or more labelled CSVs: score each with a model trained on the others (labels mapped by the mood taxonomy; --k takes the first cut-off)')
    .option('--seed <n>', 'with --leave-one-set-out: random seed of the training', '0');
  addCatalogOptions(cmd).action(action(async (csv: string | undefined, flags: EvalRecsFlags & { seed: string }) => {
    if (flags.leaveOneSetOut) return leaveOneSetOut(csv, flags);
    const spec = catalogueSpec('evaluate-recs', csv, flags);
    const log = createLogger(Boolean(flags.quiet || flags.json));
    const ks = flags.k.split(',').map((s) => parseNumberFlag('k', s.trim(), { integer: true, min: 1, max: 100 }));
    const moodMap: Record<string, string> = {};
    for (const pair of (flags.map ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      const [a, b] = pair.split('=').map((s) => s.trim());
      if (!a || !b) throw new InputError(`--map entries must be MODEL_MOOD=LABEL, got "${pair}"`);
      moodMap[a] = b;
    }
    const opened = await openCatalogue(spec, flags, log, Boolean(flags.quiet || flags.json));
    await opened.close();
    const catalog = await loadRecCatalog(flags, spec, opened.table, log);
    const labels = catalog.table.text[flags.label];
    if (!labels) throw new InputError(`no label column "${flags.label}"`, { file: spec, expected: `one of ${Object.keys(catalog.table.text).join(', ')}` });
    const report = evaluateRecs(catalog, labels, { ks, moodMap, lambda: parseNumberFlag('lambda', flags.lambda ?? '0.7', { min: 0, max: 1 }) });
    if (flags.json) return printJson(report);
    process.stdout.write(formatReport(report));
  }));
}

async function leaveOneSetOut(csv: string | undefined, flags: EvalRecsFlags & { seed: string }): Promise<void> {
  const files = flags.leaveOneSetOut!;
  if (csv !== undefined || flags.model !== undefined || flags.db !== undefined) throw new InputError('--leave-one-set-out trains its own models on the listed CSVs: give no catalogue, --db or --model');
  if (files.length < 2) throw new InputError('--leave-one-set-out needs at least two labelled CSVs');
  const quiet = Boolean(flags.quiet || flags.json);
  const log = createLogger(quiet);
  const k = parseNumberFlag('k', flags.k.split(',')[0].trim(), { integer: true, min: 1, max: 100 });
  const lambda = parseNumberFlag('lambda', flags.lambda ?? '0.7', { min: 0, max: 1 });
  const seed = parseNumberFlag('seed', flags.seed, { integer: true, min: 0 });
  const { sets, classes, lines } = await loadLabelledSets(files, flags, { quiet });
  for (const l of lines) log(l);
  const folds = leftOutFolds(sets, classes, multiSetSpecFromFlags(flags), seed);
  const results = PRIOR_SHIFT_MODES.map((priorShift) => leftOutPrecisionAtK(folds, classes, { k, priorShift, lambda }));
  if (flags.json) return printJson({ k, results });
  process.stdout.write(formatPrecisionAtK(results).join('\n').trimStart() + '\n');
}

export function formatReport(r: EvalReport): string {
  const lines = [`${r.catalogueSize} tracks, ${r.labelled} labelled; mean distance between random tracks ${r.randomPairDistance}`];
  lines.push('', '| k | moods | precision@k | base rate | nDCG@k | intra-list diversity | coverage | artist repetition |', '|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of r.summary) lines.push(`| ${s.k} | ${s.moods} | ${s.precision.toFixed(3)} | ${s.baseRate.toFixed(3)} | ${s.ndcg.toFixed(3)} | ${s.intraListDiversity.toFixed(2)} | ${s.coverage.toFixed(4)} | ${s.artistRepetition.toFixed(3)} |`);
  lines.push('', '| mood (label) | k | precision | base rate | nDCG | diversity | artist rep. |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const m of r.perMood) lines.push(`| ${m.mood} (${m.label}) | ${m.k} | ${m.precision.toFixed(2)} | ${m.baseRate.toFixed(2)} | ${m.ndcg.toFixed(2)} | ${m.intraListDiversity.toFixed(2)} | ${m.artistRepetition.toFixed(2)} |`);
  for (const s of r.skipped) lines.push(`skipped ${s.mood}: ${s.reason}`);
  return lines.join('\n') + '\n';
}
