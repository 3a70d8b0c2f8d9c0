/**
 * Reading several labelled track CSVs for multi-set training and leave-one-set-out evaluation:
 * each file through ingest, its labels mapped by the mood taxonomy (plus `--map` overrides) onto
 * the model's moods (`--moods`, default the taxonomy's four).
 */
import type { Command } from 'commander';
import { InputError } from '../../core/common/errors.ts';
import { parseLabelMap } from '../../core/data/label-map.ts';
import { labelledSetFromFile, parseSetWeighting, type LabelledSet } from '../../core/data/labelled-sets.ts';
import { DEFAULT_MULTI_SET_SPEC, MULTI_SET_ENSEMBLE, MULTI_SET_MLP, type MultiSetSpec } from '../../core/evaluate/transfer.ts';
import { MOOD_TAXONOMY } from '../../core/data/mood-taxonomy.ts';
import { describeIngest, ingest, type IngestFlags } from './common.ts';

export interface LabelledSetFlags extends IngestFlags {
  label: string;
  map?: string;
  moods?: string;
}

/** The moods a model trains on: `--moods A,B,…` (taxonomy moods) or the taxonomy's default four. */
export function moodsFromFlag(spec: string | undefined): string[] {
  if (spec === undefined) return [...MOOD_TAXONOMY.defaultMoods];
  const moods = [...new Set(spec.split(',').map((m) => m.trim()).filter(Boolean))];
  const bad = moods.filter((m) => !MOOD_TAXONOMY.moods.includes(m));
  if (bad.length) throw new InputError(`--moods: ${bad.join(', ')} ${bad.length === 1 ? 'is not a mood' : 'are not moods'} of the taxonomy (${MOOD_TAXONOMY.moods.join(', ')})`);
  if (moods.length < 2) throw new InputError('--moods needs at least two moods');
  return moods.sort((a, b) => a.localeCompare(b));
}

export interface LoadedSets {
  readonly sets: LabelledSet[];
  readonly classes: string[];
  /** What was read and mapped, for stderr. */
  readonly lines: string[];
}

export async function loadLabelledSets(files: readonly string[], flags: LabelledSetFlags, opts: { quiet?: boolean } = {}): Promise<LoadedSets> {
  const classes = moodsFromFlag(flags.moods);
  const overrides = flags.map !== undefined ? parseLabelMap(flags.map) : undefined;
  const column = flags.label.toLowerCase();
  const sets: LabelledSet[] = [], lines: string[] = [];
  const names = new Set<string>();
  for (const file of files) {
    const input = await ingest(file, flags, opts);
    lines.push(...describeIngest(input));
    const { set, map } = labelledSetFromFile(file, input.table, column, classes, { ...(overrides ? { overrides } : {}), taken: names });
    const name = set.name;
    names.add(name);
    sets.push(set);
    const list = (r: Readonly<Record<string, number>>) => Object.entries(r).map(([l, n]) => `${l} ${n}`).join(', ');
    lines.push(`  ${name}: ${set.table.rowCount} tracks labelled ${set.moods.map((k) => classes[k]).join(', ')} (${Object.entries(set.mapped).map(([l, n]) => `${l}→${map.get(l)} ${n}`).join(', ')})`);
    if (Object.keys(set.unmapped).length) lines.push(`  kept out, no counterpart in the taxonomy: ${list(set.unmapped)}`);
    if (Object.keys(set.outsideClasses).length) lines.push(`  kept out, not among the moods trained (${classes.join(', ')}): ${list(set.outsideClasses)}`);
  }
  return { sets, classes, lines };
}

export interface MultiSetFlags {
  setWeights?: string;
  classBalance?: boolean;
  partialLabels?: boolean;
  classifier?: string;
}

/** The multi-set training flags shared by `train a.csv b.csv …` and `evaluate-transfer`. */
export function addMultiSetOptions(cmd: Command): Command {
  return cmd
    .option('--moods <list>', `moods to train on (default ${MOOD_TAXONOMY.defaultMoods.join(',')}; taxonomy moods: ${MOOD_TAXONOMY.moods.join(', ')})`)
    .option('--map <pairs>', 'override taxonomy entries: label=Mood,… (moodscape moods --taxonomy shows the map)')
    .option('--set-weights <spec>', 'with several files: equal (every set the same total weight, default), size (every track the same), or name=weight,…')
    .option('--no-class-balance', 'with several files: do not balance the moods within each set')
    .option('--no-partial-labels', 'with several files: a set counts as evidence against moods it does not label (default: it teaches only its own)');
}

export function multiSetSpecFromFlags(flags: MultiSetFlags): MultiSetSpec {
  const spec: MultiSetSpec = { ...DEFAULT_MULTI_SET_SPEC };
  if (flags.setWeights !== undefined) spec.weighting = parseSetWeighting(flags.setWeights);
  if (flags.classBalance === false) spec.classBalanced = false;
  if (flags.partialLabels === false) spec.partialLabels = false;
  if (flags.classifier !== undefined) {
    const k = flags.classifier;
    if (k !== 'logreg' && k !== 'mlp' && k !== 'ensemble') throw new InputError(`--classifier must be logreg, mlp or ensemble, got "${k}"`);
    spec.classifier = k === DEFAULT_MULTI_SET_SPEC.classifier.model ? spec.classifier : { model: k, classifierOptions: k === 'ensemble' ? { members: MULTI_SET_ENSEMBLE } : { ...MULTI_SET_MLP } };
  }
  return spec;
}
