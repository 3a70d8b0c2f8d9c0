/** A tagged catalogue as the recommender reads it: the table, its mood probabilities and its similarity space. */
import type { Matrix } from '../common/matrix.ts';
import type { MoodTagger } from '../classify/mood-model.ts';
import type { TrackTable } from '../data/track-table.ts';
import { buildScaledSpace, type NearestNeighbourIndex } from './similarity.ts';
import { tagProbabilities, tagTracks, type TagOptions } from '../tag/tag-tracks.ts';
import { takeRows } from '../common/matrix.ts';
import type { MoodDecision } from '../classify/uncertain.ts';

export interface RecCatalog {
  readonly table: TrackTable;
  readonly classes: readonly string[];
  /** Mood probabilities, rows × classes. */
  readonly proba: Matrix;
  /** The scaled feature space for similarity, rows × dims. */
  readonly scaled: Float32Array;
  readonly dims: number;
  /** Index of the most probable mood per row (computed from proba when absent). */
  readonly topMood?: Int32Array;
  /** Approximate nearest-neighbour index, used for seeds when the catalogue is large. */
  readonly index?: NearestNeighbourIndex;
  /**
   * id → row over table.text.id, when the caller already has one (the server's snapshot does); used
   * for seed and skip lookups instead of building another when every id is unique.
   */
  readonly rowOf?: ReadonlyMap<string, number>;
  /** With the prior shift: the catalogue's estimated mood mix the probabilities were adjusted to. */
  readonly estimatedMix?: Readonly<Record<string, number>> | null;
  /** The threshold the tags used: a returned track below it is `uncertain` (default DEFAULT_UNCERTAIN_BELOW). */
  readonly uncertainBelow?: number;
}

/**
 * Tags the catalogue through the one tagging path, so mood queries rank by the probabilities the
 * tags came from (adjusted to the catalogue's mix when `tag.priorShift` is `auto`), and prepares
 * the similarity space.
 */
export function buildRecCatalog(table: TrackTable, tagger: MoodTagger, index?: NearestNeighbourIndex, tag: TagOptions = {}): RecCatalog {
  const tags = table.rowCount ? tagTracks(tagger, table, tag) : null;
  const proba = tags ? tags.proba : tagger.predictProba(table);
  const space = buildScaledSpace(table);
  const uncertainBelow = tag.uncertainBelow ?? tagger.uncertainBelow;
  return { table, classes: [...tagger.classes], proba, scaled: space.scaled, dims: space.dims, topMood: topMoodIndex(proba), index, estimatedMix: tags?.estimatedPriors ?? null, uncertainBelow };
}

/**
 * The moods of some rows through the one tagging path: the probabilities are already the adjusted
 * ones, so only the threshold applies (no second prior shift).
 */
export function moodsOfRows(catalog: Pick<RecCatalog, 'classes' | 'proba' | 'uncertainBelow'>, rows: ArrayLike<number>): readonly MoodDecision[] {
  return tagProbabilities(catalog.classes, takeRows(catalog.proba, rows), { uncertainBelow: catalog.uncertainBelow }).decisions;
}

export function topMoodIndex(proba: Matrix): Int32Array {
  const out = new Int32Array(proba.rows);
  for (let i = 0; i < proba.rows; i++) {
    let b = 0;
    const o = i * proba.cols;
    for (let j = 1; j < proba.cols; j++) if (proba.data[o + j] > proba.data[o + b]) b = j;
    out[i] = b;
  }
  return out;
}
