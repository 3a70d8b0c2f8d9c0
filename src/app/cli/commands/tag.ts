import type { Command } from 'commander';
import { topMoods } from '../../../core/mood-model.ts';
import { writeCsv, type CsvCell } from '../../../io/csv/write-csv.ts';
import { loadMoodModel } from '../../../io/mood-model-dir.ts';
import { ONNX_AUTO_MIN_ROWS, parseEngine, predictWithEngine } from '../../../io/onnx/engine.ts';
import { addIngestOptions, describeIngest, ingest, type IngestFlags } from '../common.ts';
import { createLogger } from '../progress.ts';
import { action, printJson } from '../run-action.ts';

interface TagFlags extends IngestFlags {
  out: string;
  json?: boolean;
  quiet?: boolean;
  engine: string;
}

export function registerTag(program: Command): void {
  const cmd = program
    .command('tag')
    .description('tag tracks with moods using a saved model')
    .argument('<modelDir>', 'model directory written by train')
    .argument('<csv>', 'track CSV with audio features')
    .requiredOption('--out <file>', 'CSV to write: id, name, artist, mood, confidence and p_<mood> per class')
    .option('--json', 'print a summary as JSON')
    .option('--quiet', 'no status on stderr')
    .option('--engine <engine>', `auto | ts | onnx: auto runs the network on onnxruntime-node from ${ONNX_AUTO_MIN_ROWS.toLocaleString('en')} rows when it is installed (same probabilities), TypeScript otherwise`, 'auto');
  addIngestOptions(cmd).action(action(async (modelDir: string, csv: string, flags: TagFlags) => {
    const quiet = Boolean(flags.quiet || flags.json);
    const log = createLogger(quiet);
    const engine = parseEngine(flags.engine);
    const { model } = await loadMoodModel(modelDir);
    const input = await ingest(csv, flags, { quiet });
    for (const line of describeIngest(input)) log(line);
    const table = input.table;
    const missing = model.missingInputs(table);
    if (missing.length) log(`warning: ${csv} lacks ${missing.join(', ')}; the model uses the training average for ${missing.length === 1 ? 'it' : 'them'}`);
    const run = await predictWithEngine(model, model.featureMatrix(table), engine);
    const proba = run.proba;
    log(`probabilities on ${run.engine === 'onnx' ? 'onnxruntime' : 'TypeScript'}${run.note ? ` (${run.note})` : ''}`);
    const top = topMoods(model.classes, proba);
    const keepText = ['id', 'name', 'artist'].filter((c) => c in table.text);
    const header = [...keepText, 'mood', 'confidence', ...model.classes.map((c) => `p_${c}`)];
    const k = model.classes.length;
    function* rows(): Iterable<CsvCell[]> {
      for (let i = 0; i < table.rowCount; i++) {
        const r: CsvCell[] = keepText.map((c) => table.text[c][i]);
        r.push(top[i].mood, round(top[i].confidence));
        for (let j = 0; j < k; j++) r.push(round(proba.data[i * k + j]));
        yield r;
      }
    }
    await writeCsv(flags.out, header, rows());
    const counts: Record<string, number> = Object.fromEntries(model.classes.map((c) => [c, 0]));
    for (const t of top) counts[t.mood]++;
    if (flags.json) return printJson({ rows: table.rowCount, out: flags.out, engine: run.engine, moods: counts });
    log(`tagged ${table.rowCount} tracks → ${flags.out}`);
    process.stdout.write(Object.entries(counts).map(([m, n]) => `${m.padEnd(24)} ${n}`).join('\n') + '\n');
  }));
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
