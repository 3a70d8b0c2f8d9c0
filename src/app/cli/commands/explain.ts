import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import { row } from '../../../core/common/matrix.ts';
import { backgroundSample, explainTrack } from '../../../core/explain/shapley.ts';
import { findCounterfactual } from '../../../core/explain/counterfactual.ts';
import { formatContribution, formatCounterfactual, formatExplanation, sortedContributions } from '../../../core/explain/format.ts';
import { columnStats } from '../../../core/report/from-model.ts';
import { normaliseTrackId } from '../../../io/csv/header.ts';
import { loadMoodModel } from '../../../io/mood-model-dir.ts';
import { addIngestOptions, ingest, type IngestFlags } from '../common.ts';
import { action, parseNumberFlag, printJson } from '../run-action.ts';
import { requireModelAndCsv } from '../shared-flags.ts';

interface ExplainFlags extends IngestFlags {
  track: string;
  model?: string;
  json?: boolean;
  background?: string;
  seed?: string;
}

export function registerExplain(program: Command): void {
  const cmd = program
    .command('explain')
    .description('why a track got its mood: Shapley values per feature and the smallest change that flips it')
    .argument('[csv]', 'track CSV holding the track (also the background sample)')
    .argument('[legacyCsv]', '(deprecated: the old "explain MODEL CSV" order)')
    .option('--model <dir>', 'model directory written by train')
    .requiredOption('--track <id>', 'track id (Spotify id, URI or URL)')
    .option('--background <n>', 'background tracks sampled from the CSV', '100')
    .option('--seed <n>', 'seed of the background sample', '0')
    .option('--json', 'print the explanation as JSON');
  addIngestOptions(cmd).action(action(async (first: string | undefined, second: string | undefined, flags: ExplainFlags) => {
    const { modelDir, csv } = requireModelAndCsv('explain', 'explain tracks.csv --model DIR --track ID', flags.model, first, second);
    const backgroundSize = parseNumberFlag('background', flags.background ?? '100', { integer: true, min: 1, max: 100_000 });
    const seed = parseNumberFlag('seed', flags.seed ?? '0', { integer: true, min: 0 });
    const { model } = await loadMoodModel(modelDir);
    const { table } = await ingest(csv, { ...flags, keepDuplicates: true }, { quiet: true });
    const ids = table.text.id;
    if (!ids) throw new InputError('the CSV has no track id column', { file: csv });
    const want = normaliseTrackId(flags.track);
    const i = ids.findIndex((id) => id === want || normaliseTrackId(id) === want);
    if (i < 0) throw new InputError(`track "${flags.track}" is not in the CSV`, { file: csv });

    const X = model.featureMatrix(table);
    const x = row(X, i);
    const bg = backgroundSample(X, backgroundSize, seed);
    const e = explainTrack(model, x, bg, { trackId: ids[i], seed });
    const { std, ranges } = columnStats(X);
    const cf = findCounterfactual(model, x, { scale: std, ranges: Object.fromEntries(model.inputFeatures.map((f, j) => [f, ranges[j]] as const)) });
    const name = table.text.name?.[i];
    const artist = table.text.artist?.[i];
    const title = [name, artist].filter(Boolean).join(' — ') || ids[i];
    if (flags.json) {
      return printJson({
        track: { id: ids[i], name, artist },
        mood: e.mood,
        probability: e.probability,
        baseline: e.baseline,
        method: { exact: e.exact, coalitions: e.coalitions, permutations: e.permutations, backgroundRows: e.backgroundRows },
        contributions: sortedContributions(e).map((c) => ({ ...c, text: formatContribution(c) })),
        counterfactual: cf ? { ...cf, text: formatCounterfactual(cf) } : null,
      });
    }
    process.stdout.write(formatExplanation(e, cf, `${title} [${ids[i]}]`) + '\n');
    if (cf) process.stdout.write(`  (changes kept within the range seen in ${csv}; distance ${cf.distance.toFixed(2)} standard deviations)\n`);
  }));
}
