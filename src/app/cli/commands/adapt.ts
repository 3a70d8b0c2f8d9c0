/**
 * `moodscape adapt MODEL (--db STORE | --corrections FILE) --out DIR`: adapts a model to a
 * catalogue from its users' mood corrections (feedback --relabel, POST /feedback kind relabel),
 * with the original model as the prior, and writes the adapted model as a new directory.
 *
 * Corrections come from the store's feedback table (--db), or a file: the taste profiles JSON that
 * `feedback --relabel` writes for a CSV catalogue, or a track CSV whose --label column holds the
 * corrected moods (rows with an empty label are skipped).
 */
import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import { adaptModelDir } from '../../../io/adapt-model.ts';
import { loadMoodModel } from '../../../io/mood-model-dir.ts';
import { openStore } from '../../../io/store/open-store.ts';
import { catalogueTasteStore, fileTasteStore, numericRow, type Correction } from '../../../io/taste-store.ts';
import { addIngestOptions, ingest, type IngestFlags } from '../common.ts';
import { isStoreSpec } from '../shared-flags.ts';
import { resolveModelDir } from '../model-resolution.ts';
import { createLogger } from '../progress.ts';
import { action, printJson } from '../run-action.ts';
import { redactStoreSpec } from '../../../io/store/store-spec.ts';

interface AdaptFlags extends IngestFlags {
  model?: string;
  db?: string;
  corrections?: string;
  label: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerAdapt(program: Command): void {
  const cmd = program
    .command('adapt')
    .description('adapt a model to a catalogue from its mood corrections (feedback --relabel), the original model as the prior; writes a new model directory')
    .argument('[modelDir]', 'the model to adapt (or --model DIR; default: the built-in model)')
    .option('--model <dir>', 'the model to adapt (default: the built-in model)')
    .option('--db <spec>', 'catalogue store (SQLite file or postgres:// URL) whose feedback holds the corrections')
    .option('--corrections <file>', 'corrections file: the taste profiles JSON written by feedback --relabel, or a track CSV with the corrected moods in --label')
    .option('--label <column>', 'with a CSV --corrections file: the column of corrected moods', 'mood')
    .option('--out <dir>', 'model directory to write (replaced whole if it exists)')
    .option('--json', 'print the result as JSON')
    .option('--quiet', 'no status on stderr');
  addIngestOptions(cmd).action(action(async (positional: string | undefined, flags: AdaptFlags) => {
    if (positional !== undefined && flags.model !== undefined) throw new InputError('give the model once: moodscape adapt MODEL or --model MODEL');
    if ((flags.db === undefined) === (flags.corrections === undefined)) throw new InputError('give the corrections once: --db STORE or --corrections FILE');
    if (!flags.out) throw new InputError('usage: moodscape adapt MODEL (--db STORE | --corrections FILE) --out DIR');
    const quiet = Boolean(flags.quiet || flags.json);
    const log = createLogger(quiet);
    const modelDir = resolveModelDir(flags.model ?? positional, log).dir;
    const loaded = await loadMoodModel(modelDir);
    const corrections = flags.db !== undefined ? await storeCorrections(flags.db) : await fileCorrections(flags.corrections!, flags, quiet);
    const source = flags.db !== undefined ? redactStoreSpec(flags.db) : flags.corrections!;
    log(`${corrections.length} corrected tracks from ${source}`);
    const r = await adaptModelDir(loaded, modelDir, corrections, flags.out);
    const s = r.summary;
    const chosen = Number.isFinite(s.l2) ? `prior strength λ = ${s.l2}, ${s.features ? 'bias, scale and feature term' : 'bias and scale only'}` : 'the original (no candidate beat it by more than its standard error)';
    if (flags.json) return printJson({ from: modelDir, out: r.out, corrections: s.corrections, perClass: s.perClass, l2: Number.isFinite(s.l2) ? s.l2 : null, features: s.features, crossEntropy: { original: s.originalCrossEntropy }, candidates: s.candidates.map((c) => ({ ...c, l2: Number.isFinite(c.l2) ? c.l2 : null })), imputed: r.imputed });
    if (r.imputed) log(`note: ${r.imputed} corrected tracks lack some of the model's inputs; they took the training mean`);
    log(`cross-validated on the corrections: ${chosen}`);
    process.stdout.write(`adapted model written to ${r.out} (${Object.entries(s.perClass).map(([m, n]) => `${m} ${n}`).join(', ')})\n`);
  }));
}

async function storeCorrections(db: string): Promise<Correction[]> {
  const store = await openStore(isStoreSpec(db) ? db : `sqlite:${db}`);
  try {
    return await catalogueTasteStore(store, await store.loadCatalog()).corrections();
  } finally {
    await store.close();
  }
}

async function fileCorrections(file: string, flags: AdaptFlags, quiet: boolean): Promise<Correction[]> {
  if (/\.json$/i.test(file)) return fileTasteStore(file).corrections();
  const { table } = await ingest(file, flags, { quiet });
  const labels = table.text[flags.label];
  if (!labels) throw new InputError(`no column "${flags.label}" of corrected moods`, { file, column: flags.label, expected: `one of ${Object.keys(table.text).join(', ')}` });
  const out: Correction[] = [];
  for (let i = 0; i < table.rowCount; i++) {
    const mood = labels[i].trim();
    if (!mood) continue;
    out.push({ trackId: table.text.id?.[i] ?? `row ${i + 2}`, mood, user: 'file', features: numericRow(table, i) });
  }
  return out;
}
