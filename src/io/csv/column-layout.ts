/**
 * What the row scanner needs to know per header column, decided once from the header: whether a
 * cell is parsed as a number (and into which output column, with which range), kept as text
 * (with an interner unless it is an id source), or ignored; and where the id comes from.
 */
import { FEATURE_SPEC, requiredFeaturesFor } from '../../core/data/features.ts';
import { InputError } from '../../core/common/errors.ts';
import { normaliseHeaderName, planHeader, type ColumnMapping } from './header.ts';
import { TextInterner } from './text-interner.ts';

/** A column the parser skips: what `kinds` holds until a column is given a kind. */
const K_IGNORED = 0;
export const K_NUMERIC = 1;
export const K_TEXT = 2;

/** Header names shown in a message at most. */
const NAMES_SHOWN = 40;

export class ColumnLayout {
  readonly header: readonly string[];
  readonly ncols: number;
  readonly columns: ColumnMapping[];
  /** K_IGNORED, K_NUMERIC or K_TEXT by header column. */
  readonly kinds: Uint8Array;
  /** Index into the numeric or text output columns by header column (−1 when ignored). */
  readonly slots: Int32Array;
  readonly numericNames: string[] = [];
  readonly numericMin: Float64Array;
  readonly numericMax: Float64Array;
  readonly textNames: string[] = [];
  /** Text output slots that can supply the id, in priority order. */
  readonly idSlots: number[];
  /** By header column: the interner of a text column that is not an id source, else null. */
  readonly interners: (TextInterner | null)[];
  /** Header index ids are read from first (for messages), −1 without an id column. */
  readonly idSourceColumn: number;
  /** Text output slot of the `id` column, −1 without one. */
  readonly idSlot: number;
  /** Feature columns this file must have (fewer for a catalogue measured by `analyze`). */
  readonly required: readonly string[];

  constructor(header: readonly string[], file: string) {
    this.header = header;
    const reserved = header.findIndex((h) => normaliseHeaderName(h) === '__proto__');
    if (reserved >= 0) {
      throw new InputError('a column may not be called "__proto__"', { file, row: 1, column: header[reserved], expected: 'another name for this column' });
    }
    const plan = planHeader(header);
    this.columns = plan.columns;
    this.ncols = header.length;
    this.kinds = new Uint8Array(this.ncols).fill(K_IGNORED);
    this.slots = new Int32Array(this.ncols).fill(-1);
    const present = new Set<string>();
    for (let i = 0; i < this.ncols; i++) {
      const c = plan.columns[i];
      if (c.kind === 'feature') {
        this.kinds[i] = K_NUMERIC;
        this.slots[i] = this.numericNames.length;
        this.numericNames.push(c.canonical);
        present.add(c.canonical);
      } else if (c.kind === 'text') {
        this.kinds[i] = K_TEXT;
        this.slots[i] = this.textNames.length;
        this.textNames.push(c.canonical);
      }
    }
    this.numericMin = Float64Array.from(this.numericNames, (n) => FEATURE_SPEC.get(n)!.min);
    this.numericMax = Float64Array.from(this.numericNames, (n) => FEATURE_SPEC.get(n)!.max);
    this.idSlots = plan.idSources.map((i) => this.slots[i]);
    const idSource = new Set(plan.idSources);
    this.interners = this.columns.map((c, i) => (c.kind === 'text' && !idSource.has(i) ? new TextInterner() : null));
    this.idSourceColumn = plan.idSources.length ? plan.idSources[0] : -1;
    this.idSlot = this.idSlots.length ? this.idSlots[0] : -1;

    this.required = requiredFeaturesFor(this.columns.map((c) => c.canonical));
    const missing = this.required.filter((f) => !present.has(f));
    if (missing.length) {
      const shown = header.length > NAMES_SHOWN ? `${header.slice(0, NAMES_SHOWN).join(', ')} … (${header.length} in all)` : header.join(', ');
      throw new InputError(
        `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; columns found: ${shown}`,
        { file, row: 1, column: missing.join(', '), expected: `columns ${this.required.join(', ')}` },
      );
    }
  }
}
