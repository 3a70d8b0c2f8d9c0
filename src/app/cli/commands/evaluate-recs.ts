/**
 * `moodscape evaluate-recs labelled.csv --model DIR --label mood`: precision@k and
 * nDCG@k of mood playlists against held-out labels, intra-list diversity, coverage and artist
 * repetition, at k = 10 and 20.
 */
import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import { evaluateRecs, type EvalReport } from '../../../core/recommend/index.ts';
import { createLogger } from '../progress.ts';
import { action, parseNumberFlag, printJson } from '../run-action.ts';
import { addCatalogOptions, loadRecCatalog, openCatalogue, type CatalogFlags } from './recommend.ts';
import { catalogueSpec } from '../shared-flags.ts';

interface EvalRecsFlags extends CatalogFlags {
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
    .option('--json', 'print the full report as JSON');
  addCatalogOptions(cmd).action(action(async (csv: string | undefined, flags: EvalRecsFlags) => {
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

export function formatReport(r: EvalReport): string {
  const lines = [`${r.catalogueSize} tracks, ${r.labelled} labelled; mean distance between random tracks ${r.randomPairDistance}`];
  lines.push('', '| k | moods | precision@k | base rate | nDCG@k | intra-list diversity | coverage | artist repetition |', '|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of r.summary) lines.push(`| ${s.k} | ${s.moods} | ${s.precision.toFixed(3)} | ${s.baseRate.toFixed(3)} | ${s.ndcg.toFixed(3)} | ${s.intraListDiversity.toFixed(2)} | ${s.coverage.toFixed(4)} | ${s.artistRepetition.toFixed(3)} |`);
  lines.push('', '| mood (label) | k | precision | base rate | nDCG | diversity | artist rep. |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const m of r.perMood) lines.push(`| ${m.mood} (${m.label}) | ${m.k} | ${m.precision.toFixed(2)} | ${m.baseRate.toFixed(2)} | ${m.ndcg.toFixed(2)} | ${m.intraListDiversity.toFixed(2)} | ${m.artistRepetition.toFixed(2)} |`);
  for (const s of r.skipped) lines.push(`skipped ${s.mood}: ${s.reason}`);
  return lines.join('\n') + '\n';
}
