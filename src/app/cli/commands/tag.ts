import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import { UNCERTAIN } from '../../../core/classify/uncertain.ts';
import { formatMix, parsePriorShift, PRIOR_SHIFT_HELP, tagProbabilities } from '../../../core/tag/tag-tracks.ts';
import { writeCsv, type CsvCell } from '../../../io/csv/write-csv.ts';
import { loadMoodModel } from '../../../io/mood-model-dir.ts';
import { ONNX_AUTO_MIN_ROWS, parseEngine, predictWithEngine } from '../../../io/onnx/engine.ts';
import { addIngestOptions, describeIngest, ingest, type IngestFlags } from '../common.ts';
import { resolveModelDir } from '../model-resolution.ts';
import { createLogger } from '../progress.ts';
import { action, parseNumberFlag, printJson } from '../run-action.ts';
import { tagDbCommand } from './tag-db.ts';
import { modelAndInput, noteDeprecated } from '../shared-flags.ts';

interface TagFlags extends IngestFlags {
  out?: string;
  db?: string;
  model?: string;
  json?: boolean;
  quiet?: boolean;
  engine: string;
  uncertainBelow?: string;
  priorShift?: string;
}

export function registerTag(program: Command): void {
  const cmd = program
    .command('tag')
    .description('tag tracks with moods using a saved model or the built-in one (a CSV, or every untagged track of a catalogue with --db)')
    .argument('[csv]', 'track CSV with audio features')
    .argument('[legacyCsv]', '(deprecated: the old "tag MODEL CSV" order)')
    .option('--model <dir>', 'model directory written by train (default: the built-in model; with --db, the catalogue\'s current model)')
    .option('--out <file>', 'CSV to write: id, name, artist, mood, confidence and p_<mood> per class')
    .option('--db <spec>', 'tag every track of this catalogue (SQLite file or postgres:// URL) that has no tag from the model')
    .option('--uncertain-below <p>', 'call a track "uncertain" when its top probability is below p (default: the model\'s, 0.4)')
    .option('--prior-shift <mode>', PRIOR_SHIFT_HELP)
    .option('--json', 'print a summary as JSON')
    .option('--quiet', 'no status on stderr')
    .option('--engine <engine>', `auto | ts | onnx: auto runs the network on onnxruntime-node from ${ONNX_AUTO_MIN_ROWS.toLocaleString('en')} rows when it is installed (same probabilities), TypeScript otherwise`, 'auto');
  addIngestOptions(cmd).action(action(async (first: string | undefined, second: string | undefined, flags: TagFlags) => {
    const priorShift = parsePriorShift(flags.priorShift);
    if (flags.db) {
      if (second !== undefined) throw new InputError('give either a CSV or --db, not both');
      if (first !== undefined) noteDeprecated('"moodscape tag MODEL --db STORE"', '"moodscape tag --db STORE --model MODEL"');
      if (first !== undefined && flags.model !== undefined) throw new InputError('give the model once: --model DIR');
      await tagDbCommand(flags.db, flags.model ?? first, { ...flags, priorShift });
      return;
    }
    const usage = 'tag tracks.csv [--model DIR] --out tagged.csv (or: moodscape tag --db catalogue.db [--model DIR]); without --model, the built-in model (the audio mood model for a catalogue written by analyze)';
    const { modelDir: given, input: csv } = modelAndInput('tag', flags.model, first, second);
    if (csv === undefined) throw new InputError(`moodscape tag needs a track CSV (usage: moodscape ${usage})`);
    if (!flags.out) throw new InputError(`moodscape tag needs --out FILE (usage: moodscape ${usage})`);
    const quiet = Boolean(flags.quiet || flags.json);
    const log = createLogger(quiet);
    const engine = parseEngine(flags.engine);
    const input = await ingest(csv, flags, { quiet });
    for (const line of describeIngest(input)) log(line);
    const table = input.table;
    // No model named: a catalogue written by `analyze` gets the audio mood model, others the built-in one.
    const { model } = await loadMoodModel(resolveModelDir(given, log, table).dir);
    const threshold = flags.uncertainBelow !== undefined ? parseNumberFlag('uncertain-below', flags.uncertainBelow, { min: 0, max: 1 }) : model.uncertainBelow;
    const missing = model.missingInputs(table);
    if (missing.length) log(`warning: ${csv} lacks ${missing.join(', ')}; the model uses the training average for ${missing.length === 1 ? 'it' : 'them'}`);
    const run = await predictWithEngine(model, model.featureMatrix(table), engine);
    log(`probabilities on ${run.engine === 'onnx' ? 'onnxruntime' : 'TypeScript'}${run.note ? ` (${run.note})` : ''}`);
    const tags = tagProbabilities(model.classes, run.proba, { uncertainBelow: threshold, priorShift, trainingPriors: model.trainingPriors });
    const { decisions, counts, estimatedPriors } = tags;
    const proba = tags.proba;
    const keepText = ['id', 'name', 'artist'].filter((c) => c in table.text);
    const header = [...keepText, 'mood', 'confidence', ...model.classes.map((c) => `p_${c}`)];
    const k = model.classes.length;
    function* rows(): Iterable<CsvCell[]> {
      for (let i = 0; i < table.rowCount; i++) {
        const r: CsvCell[] = keepText.map((c) => table.text[c][i]);
        r.push(decisions[i].mood, round(decisions[i].confidence));
        for (let j = 0; j < k; j++) r.push(round(proba.data[i * k + j]));
        yield r;
      }
    }
    await writeCsv(flags.out, header, rows());
    if (flags.json) return printJson({ rows: table.rowCount, out: flags.out, engine: run.engine, uncertainBelow: threshold, priorShift, estimatedPriors, moods: counts });
    if (estimatedPriors) log(`prior shift: estimated mood mix ${formatMix(estimatedPriors)}`);
    log(`tagged ${table.rowCount} tracks → ${flags.out} (top probability below ${threshold} is "${UNCERTAIN}")`);
    process.stdout.write(Object.entries(counts).map(([m, n]) => `${m.padEnd(24)} ${n}`).join('\n') + '\n');
  }));
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
