/**
 * The flags every command spells the same way — a track CSV is the argument, a catalogue store is
 * `--db`, a model directory is `--model DIR` — and the old spellings that keep working: each prints
 * one line on stderr saying what to write instead, so scripts keep running while their authors see
 * what changed.
 */
import { InputError } from '../../core/common/errors.ts';
import { isPostgresSpec } from '../../io/store/open-store.ts';

export function noteDeprecated(old: string, instead: string): void {
  process.stderr.write(`moodscape: note: ${old} is deprecated; use ${instead}\n`);
}

/**
 * The model directory and the input of a command that once took `<modelDir> <csv>` positionally:
 * `cmd CSV --model DIR` now; `cmd DIR CSV` still works, with a note.
 */
export function modelAndInput(command: string, model: string | undefined, first: string | undefined, second: string | undefined): { modelDir?: string; input?: string } {
  if (second === undefined) return { modelDir: model, input: first };
  if (model !== undefined) throw new InputError(`give the model once: moodscape ${command} <csv> --model DIR`);
  noteDeprecated(`"moodscape ${command} MODEL CSV"`, `"moodscape ${command} CSV --model MODEL"`);
  return { modelDir: first, input: second };
}

/** Both, for commands that need a model and a CSV; a usage error names what is missing. */
export function requireModelAndCsv(command: string, usage: string, model: string | undefined, first: string | undefined, second: string | undefined): { modelDir: string; csv: string } {
  const { modelDir, input } = modelAndInput(command, model, first, second);
  if (modelDir === undefined) throw new InputError(`moodscape ${command} needs --model DIR (usage: moodscape ${usage})`);
  if (input === undefined) throw new InputError(`moodscape ${command} needs a track CSV (usage: moodscape ${usage})`);
  return { modelDir, csv: input };
}

/** A model directory that the command needs. */
export function requireModel(command: string, modelDir: string | undefined, usage: string): string {
  if (modelDir === undefined) throw new InputError(`moodscape ${command} needs --model DIR (usage: moodscape ${usage})`);
  return modelDir;
}

export function isStoreSpec(spec: string): boolean {
  return isPostgresSpec(spec) || /^sqlite:/i.test(spec) || /\.(db|sqlite|sqlite3)$/i.test(spec);
}

/**
 * Where a command's catalogue comes from: a track CSV (positional) or a store (`--db`). The old
 * `--catalog X` still works (a note says which of the two X is). Returns one spec for
 * readCatalogTable: a store is recognised by its form (postgres:// URL, .db/.sqlite file, sqlite:).
 */
export function catalogueSpec(command: string, csv: string | undefined, flags: { db?: string; catalog?: string }): string {
  const given = [csv, flags.db, flags.catalog].filter((v) => v !== undefined);
  if (given.length > 1) throw new InputError(`give the catalogue once: a track CSV or --db STORE`);
  if (flags.catalog !== undefined) {
    noteDeprecated('--catalog', isStoreSpec(flags.catalog) ? `--db ${flags.catalog}` : `the CSV as an argument: moodscape ${command} ${flags.catalog}`);
    return flags.catalog;
  }
  if (flags.db !== undefined) return isStoreSpec(flags.db) ? flags.db : `sqlite:${flags.db}`;
  if (csv !== undefined) return csv;
  throw new InputError(`moodscape ${command} needs a catalogue: a track CSV argument or --db STORE (SQLite file or postgres:// URL)`);
}
